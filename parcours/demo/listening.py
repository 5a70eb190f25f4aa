"""The demo's listening: answered surveys, published experiences with their replies (one
held for moderation), complaints (one overdue and escalated), agents' reports on
procedures, and ideas with supports and answers.

Written directly (a few hundred rows in bulk), with the texts passed through the same
moderation as real ones, and dated in the past so that response times show.
"""

import datetime
import random

from django.utils import timezone

from parcours.accounts.models import User
from parcours.cases.enums import CaseState
from parcours.cases.models import Case
from parcours.catalog.models import Procedure
from parcours.listening.enums import (
    AgentFeedbackStatus,
    AuthorKind,
    Clarity,
    ComplaintChannel,
    ComplaintEventKind,
    ComplaintStatus,
    ExperienceStatus,
    ExperienceTone,
    FeedbackTrigger,
    FrictionKind,
    IdeaStatus,
    InvitationStatus,
    RootCause,
)
from parcours.listening.models import (
    AgentFeedback,
    Complaint,
    ComplaintEvent,
    Experience,
    FeedbackInvitation,
    FeedbackResponse,
    Idea,
    IdeaComment,
    IdeaStatusChange,
    IdeaSupport,
)
from parcours.listening.moderation import moderate
from parcours.listening.services.complaints import response_due_on
from parcours.listening.services.experiences import known_names
from parcours.organisations.models import Agent, Organisation
from parcours.people.enums import Channel

from .story import ALICE, BRUNO, CAISSE, VILLE

SURVEYS = 240
# (trigger, channel) and how often each comes up.
CONTACTS = (
    (FeedbackTrigger.CASE_DECIDED, Channel.ONLINE, 6),
    (FeedbackTrigger.CASE_DECIDED, Channel.COUNTER, 2),
    (FeedbackTrigger.CASE_DECIDED, Channel.HELPER, 1),
    (FeedbackTrigger.MESSAGE_ANSWERED, Channel.ONLINE, 4),
    (FeedbackTrigger.APPOINTMENT_HELD, Channel.COUNTER, 3),
    (FeedbackTrigger.CALLBACK_DONE, Channel.PHONE, 2),
)
COMMENTS = (
    "",
    "",
    "",
    "Réponse rapide et claire, merci.",
    "On m'a bien expliqué ce qui manquait à mon dossier.",
    "Trop long, j'ai dû relancer deux fois.",
    "L'agente au guichet a pris le temps de tout m'expliquer.",
    "Le formulaire en ligne demande deux fois la même chose.",
    "Je n'ai pas compris le courrier de décision.",
)

# (organisation, unit, procedure code or None, channel, tone, title, body, days ago,
# reply (or None), days to reply)
EXPERIENCES = (
    (
        VILLE,
        "education",
        "SCO",
        Channel.ONLINE,
        ExperienceTone.POSITIVE,
        "Inscription à l'école faite en dix minutes",
        "Tout s'est fait en ligne un dimanche soir, et j'ai eu la confirmation le mardi. "
        "Claire Martin m'a même rappelée pour la cantine.",
        40,
        "Merci pour votre message ! Nous transmettons vos remerciements à l'équipe.",
        2,
    ),
    (
        VILLE,
        "citoyennete",
        "ELE",
        Channel.COUNTER,
        ExperienceTone.NEGATIVE,
        "Une heure d'attente au guichet",
        "Un seul guichet ouvert un samedi matin, une file jusque dans la rue. Personne pour "
        "nous dire combien de temps attendre. Appelez-moi au 06 12 34 56 78 si besoin.",
        25,
        "Nous sommes désolés de cette attente. Depuis le 1er novembre, le samedi, deux "
        "guichets sont ouverts et un écran indique le temps d'attente. Vous pouvez aussi "
        "prendre rendez-vous en ligne.",
        4,
    ),
    (
        VILLE,
        "stationnement",
        "STA",
        Channel.EMAIL,
        ExperienceTone.MIXED,
        "Carte résident : rapide mais pas claire",
        "La carte est arrivée vite, mais le courrier ne disait pas qu'il fallait la coller "
        "côté conducteur. J'ai eu une amende. Mme Lambert au téléphone a été très aimable.",
        18,
        "Merci, vous avez raison : le courrier le précise désormais en gras.",
        6,
    ),
    (
        VILLE,
        "cadre-de-vie",
        "SIG",
        Channel.ONLINE,
        ExperienceTone.POSITIVE,
        "Lampadaire réparé en deux jours",
        "J'ai signalé un lampadaire éteint devant chez moi, il a été réparé en deux jours "
        "et on m'a prévenu par courriel.",
        12,
        None,
        0,
    ),
    (
        VILLE,
        "france-services",
        "AFS",
        Channel.COUNTER,
        ExperienceTone.POSITIVE,
        "Aidée pour ma demande de retraite",
        "Je ne sais pas me servir d'internet. La conseillère a tout fait avec moi, avec "
        "patience, et m'a imprimé le récapitulatif.",
        9,
        "Merci pour votre confiance. Le point France Services vous accueille sans "
        "rendez-vous le mardi et le jeudi.",
        1,
    ),
    (
        CAISSE,
        "aides-logement",
        "AID",
        Channel.PHONE,
        ExperienceTone.NEGATIVE,
        "Impossible de joindre quelqu'un",
        "J'ai appelé cinq fois, personne ne décroche. Mon aide est suspendue depuis un mois "
        "et je ne sais pas pourquoi. Écrivez-moi à alice.durand@example.test.",
        15,
        "Nous vous prions de nous excuser. Nous avons renforcé l'accueil téléphonique le "
        "matin et vous pouvez demander à être rappelé depuis votre espace : nous "
        "rappelons dans la demi-journée choisie.",
        3,
    ),
    (
        CAISSE,
        "prestations-familiales",
        "ARS",
        Channel.ONLINE,
        ExperienceTone.POSITIVE,
        "Allocation de rentrée versée à temps",
        "Demande faite en juillet, versement reçu avant la rentrée, rien à redire.",
        60,
        "Merci de ce retour !",
        5,
    ),
    (
        CAISSE,
        "aides-logement",
        None,
        Channel.COUNTER,
        ExperienceTone.MIXED,
        "Accueil aimable, dossier perdu",
        "L'accueil était aimable mais il a fallu redonner toutes les pièces : le dossier "
        "déposé au guichet n'avait pas été enregistré.",
        5,
        None,
        0,
    ),
)
HELD_EXPERIENCE = (
    VILLE,
    "citoyennete",
    "ACC",
    Channel.COUNTER,
    ExperienceTone.NEGATIVE,
    "Attestation refusée sans explication",
    "Des incapables et des guignols : on m'a refusé l'attestation sans me dire pourquoi.",
    2,
)

IDEAS = (
    (
        "SCO",
        AuthorKind.CITIZEN,
        ALICE.email,
        "Un SMS quand le dossier d'inscription avance",
        "Je regarde mon espace tous les jours pour savoir où en est l'inscription. Un SMS "
        "à chaque étape éviterait cela.",
        IdeaStatus.PLANNED,
        "Prévu au premier trimestre 2027, pour toutes les démarches.",
        35,
    ),
    (
        "STA",
        AuthorKind.CITIZEN,
        BRUNO.email,
        "Renouveler la carte résident sans tout redonner",
        "Chaque année il faut redonner la carte grise et le justificatif de domicile, alors "
        "que rien n'a changé.",
        IdeaStatus.DONE,
        "C'est fait : le renouvellement reprend les pièces de l'an dernier "
        "si elles ont moins d'un an, et vous n'avez qu'à confirmer.",
        80,
    ),
    (
        "ELE",
        AuthorKind.CITIZEN,
        ALICE.email,
        "Ouvrir le guichet le samedi après-midi",
        "Beaucoup de gens travaillent en semaine et le samedi matin il y a la queue.",
        IdeaStatus.DECLINED,
        "Nous ne pouvons pas ouvrir le samedi après-midi avec l'équipe "
        "actuelle. En échange, le guichet ouvre désormais jusqu'à 19 h le jeudi, et la "
        "prise de rendez-vous en ligne évite l'attente.",
        50,
    ),
    (
        "SCO",
        AuthorKind.AGENT,
        "claire.martin@bellerive.test",
        "Une seule question sur la garde de l'enfant",
        "Le formulaire pose trois questions différentes sur qui a la garde ; les familles "
        "se trompent souvent. Une seule question suffirait.",
        IdeaStatus.STUDIED,
        "Nous étudions le formulaire avec des familles volontaires en décembre.",
        20,
    ),
    (
        None,
        AuthorKind.CITIZEN,
        BRUNO.email,
        "Afficher les délais réels sur chaque démarche",
        "On ne sait jamais combien de temps cela va prendre vraiment.",
        IdeaStatus.PROPOSED,
        "",
        6,
    ),
)

REPORTS = (
    (
        "SCO",
        "claire.martin@bellerive.test",
        FrictionKind.UNCLEAR_FORM,
        "La question sur l'autorité parentale est mal comprise : un parent sur cinq coche "
        "la mauvaise case et il faut le rappeler.",
        AgentFeedbackStatus.ACCEPTED,
        "Merci. La question sera reformulée dans la prochaine version du formulaire.",
    ),
    (
        "SCO",
        "claire.martin@bellerive.test",
        FrictionKind.MISSING_DOCUMENT_TYPE,
        "Pas de type de pièce pour le jugement de divorce fixant la résidence de l'enfant : "
        "les parents le déposent en « autre ».",
        AgentFeedbackStatus.UNDER_REVIEW,
        "Nous vérifions avec le service juridique.",
    ),
    (
        "ELE",
        "karim.benali@bellerive.test",
        FrictionKind.RULE_MISFIT,
        "Les personnes hébergées chez un tiers n'ont pas de justificatif de domicile à leur "
        "nom : la règle actuelle les bloque.",
        AgentFeedbackStatus.NEW,
        "",
    ),
    (
        "STA",
        "karim.benali@bellerive.test",
        FrictionKind.OTHER,
        "Les véhicules de location longue durée ne sont pas prévus par la démarche.",
        AgentFeedbackStatus.RESOLVED,
        "La démarche accepte désormais le contrat de location à la place de la carte grise.",
    ),
)


def _procedures() -> dict[str, Procedure]:
    return {p.code: p for p in Procedure.objects.select_related("handling_unit")}


def seed_feedback(rng: random.Random, today: datetime.date) -> int:
    units_by_procedure = list(
        Procedure.objects.filter(is_published=True).values_list(
            "organisation_id", "handling_unit_id", "pk"
        )
    )
    weights = [weight for _t, _c, weight in CONTACTS]
    rows = []
    for _ in range(SURVEYS):
        organisation_id, unit_id, procedure_id = rng.choice(units_by_procedure)
        trigger, channel, _w = rng.choices(CONTACTS, weights=weights)[0]
        satisfaction = rng.choices((1, 2, 3, 4, 5), weights=(1, 2, 3, 6, 6))[0]
        clarity = rng.choices(
            (Clarity.YES, Clarity.PARTLY, Clarity.NO),
            weights=(6, 3, 1) if satisfaction > 3 else (2, 3, 3),
        )[0]
        rows.append(
            FeedbackResponse(
                organisation_id=organisation_id,
                unit_id=unit_id,
                procedure_id=procedure_id if trigger == FeedbackTrigger.CASE_DECIDED else None,
                trigger=trigger,
                channel=channel,
                satisfaction=satisfaction,
                clarity=clarity,
                comment=rng.choice(COMMENTS),
                created_on=today - datetime.timedelta(days=rng.randrange(1, 120)),
            )
        )
    FeedbackResponse.objects.bulk_create(rows)
    return len(rows)


def seed_invitations(now) -> int:
    """Alice's decided cases: one survey answered, the latest one waiting for her."""
    cases = list(
        Case.objects.filter(
            person__user__email=ALICE.email,
            state__in=[CaseState.ACCEPTED, CaseState.IMPLICIT_ACCEPTANCE, CaseState.REJECTED],
        )
        .select_related("person", "unit", "procedure")
        .order_by("decided_at")
    )
    invitations = []
    for index, case in enumerate(cases):
        last = index == len(cases) - 1
        sent = now - datetime.timedelta(days=2 if last else 40 + index)
        invitations.append(
            FeedbackInvitation(
                organisation_id=case.organisation_id,
                person=case.person,
                unit=case.unit,
                procedure=case.procedure,
                case=case,
                trigger=FeedbackTrigger.CASE_DECIDED,
                channel=Channel.ONLINE,
                source_key=f"demo:case:{case.pk}",
                nonce="" if not last else f"demo-{case.pk}",
                status=InvitationStatus.SENT if last else InvitationStatus.ANSWERED,
                send_after=sent,
                sent_at=sent,
                expires_at=sent + datetime.timedelta(days=30),
                answered_at=None if last else sent + datetime.timedelta(hours=5),
            )
        )
    FeedbackInvitation.objects.bulk_create(invitations)
    return len(invitations)


def seed_experiences(now, procedures, organisations) -> int:
    alice = User.objects.get(email=ALICE.email)
    agents = {
        a.organisation_id: a
        for a in Agent.objects.filter(role__in=["unit_manager", "organisation_admin"]).order_by(
            "pk"
        )
    }
    made = []
    for spec in EXPERIENCES:
        org_spec, unit_slug, code, channel, tone, title, body, days, reply, reply_days = spec
        organisation = organisations[org_spec.slug]
        unit = organisation.units.get(slug=unit_slug)
        names = known_names(organisation_id=organisation.pk, user=alice)
        text, heading = moderate(body, names=names), moderate(title, names=names)
        published = now - datetime.timedelta(days=days)
        replier = agents.get(organisation.pk)
        made.append(
            Experience(
                organisation=organisation,
                unit=unit,
                procedure=procedures.get(code) if code else None,
                channel=channel,
                tone=tone,
                happened_on=(published - datetime.timedelta(days=1)).date(),
                author_user=alice,
                author_email=ALICE.email,
                title=title,
                body=body,
                public_title=heading.text,
                public_body=text.text,
                masked=text.masked,
                status=ExperienceStatus.PUBLISHED,
                published_at=published,
                reply=reply or "",
                replied_at=published + datetime.timedelta(days=reply_days, hours=3)
                if reply
                else None,
                replied_by=replier if reply else None,
                reply_signature=unit.name if reply else "",
            )
        )
    org_spec, unit_slug, code, channel, tone, title, body, days = HELD_EXPERIENCE
    organisation = organisations[org_spec.slug]
    held = moderate(body, names=known_names(organisation_id=organisation.pk))
    made.append(
        Experience(
            organisation=organisation,
            unit=organisation.units.get(slug=unit_slug),
            procedure=procedures.get(code),
            channel=channel,
            tone=tone,
            author_email="usager.anonyme@example.test",
            title=title,
            body=body,
            public_title=title,
            public_body=held.text,
            masked=held.masked,
            held_words=held.held_words,
            status=ExperienceStatus.HELD,
        )
    )
    Experience.objects.bulk_create(made)
    # created_at is set on insert: date each experience like its publication.
    for experience in Experience.objects.filter(published_at__isnull=False):
        Experience.objects.filter(pk=experience.pk).update(created_at=experience.published_at)
    return len(made)


def seed_complaints(now, procedures, organisations) -> int:
    ville = organisations[VILLE.slug]
    karim = Agent.objects.get(user__email="karim.benali@bellerive.test")
    claire = Agent.objects.get(user__email="claire.martin@bellerive.test")
    alice_cases = {
        c.procedure.code: c
        for c in Case.objects.filter(
            person__user__email=ALICE.email, organisation=ville
        ).select_related("procedure", "person", "unit")
    }
    bruno_person = ville.people.get(user__email=BRUNO.email)
    alice_person = ville.people.get(user__email=ALICE.email)
    specs = (
        # person, unit slug, code, subject, description, channel, days ago, outcome
        (
            alice_person,
            "education",
            "SCO",
            "Relances sans réponse",
            "J'ai écrit trois fois au sujet de l'inscription de mon fils sans réponse pendant "
            "trois semaines.",
            ComplaintChannel.ONLINE,
            45,
            "answered",
        ),
        (
            bruno_person,
            "stationnement",
            "STA",
            "Amende malgré ma carte résident",
            "J'ai reçu une amende alors que ma carte résident était valable : le courrier ne "
            "disait pas où la placer.",
            ComplaintChannel.PHONE,
            10,
            "in_progress",
        ),
        (
            alice_person,
            "citoyennete",
            "ELE",
            "Accueil désagréable au guichet",
            "On m'a répondu sèchement et renvoyée vers le site internet sans m'aider.",
            ComplaintChannel.COUNTER,
            40,
            "overdue",
        ),
    )
    count = 0
    for person, unit_slug, code, subject, description, channel, days, outcome in specs:
        unit = ville.units.get(slug=unit_slug)
        received = now - datetime.timedelta(days=days)
        complaint = Complaint.objects.create(
            organisation=ville,
            person=person,
            unit=unit,
            procedure=procedures.get(code),
            channel=channel,
            recorded_by=karim if channel != ComplaintChannel.ONLINE else None,
            subject=subject,
            description=description,
            due_on=response_due_on(
                unit=unit, procedure=procedures.get(code), received=received.date()
            ),
            acknowledged_at=received,
        )
        complaint.reference = f"RECL-{received.year}-{complaint.pk:06d}"
        Complaint.objects.filter(pk=complaint.pk).update(
            reference=complaint.reference, created_at=received
        )
        if person == alice_person and code in alice_cases:
            complaint.cases.add(alice_cases[code])
        events = [
            ComplaintEvent(
                organisation=ville,
                complaint=complaint,
                kind=ComplaintEventKind.RECEIVED,
                created_at=received,
            ),
            ComplaintEvent(
                organisation=ville,
                complaint=complaint,
                kind=ComplaintEventKind.ACKNOWLEDGED,
                created_at=received,
            ),
        ]
        if outcome == "answered":
            answered = received + datetime.timedelta(days=6)
            Complaint.objects.filter(pk=complaint.pk).update(
                status=ComplaintStatus.ANSWERED,
                handler=claire,
                answered_by=claire,
                answered_at=answered,
                root_cause=RootCause.DELAY,
                response="Vous avez raison : vos messages sont restés sans réponse pendant les "
                "congés d'une collègue. Votre fils est inscrit, et les messages sont désormais "
                "suivis par toute l'équipe en son absence. Veuillez nous en excuser.",
            )
            events += [
                ComplaintEvent(
                    organisation=ville,
                    complaint=complaint,
                    kind=ComplaintEventKind.TAKEN,
                    actor=claire.user,
                    created_at=received + datetime.timedelta(days=1),
                ),
                ComplaintEvent(
                    organisation=ville,
                    complaint=complaint,
                    kind=ComplaintEventKind.ANSWERED,
                    actor=claire.user,
                    created_at=answered,
                ),
            ]
        elif outcome == "in_progress":
            Complaint.objects.filter(pk=complaint.pk).update(
                status=ComplaintStatus.IN_PROGRESS, handler=karim
            )
            events.append(
                ComplaintEvent(
                    organisation=ville,
                    complaint=complaint,
                    kind=ComplaintEventKind.TAKEN,
                    actor=karim.user,
                    created_at=received + datetime.timedelta(days=1),
                )
            )
        else:
            escalated = timezone.make_aware(
                datetime.datetime.combine(
                    complaint.due_on + datetime.timedelta(days=1), datetime.time(8)
                )
            )
            Complaint.objects.filter(pk=complaint.pk).update(escalated_at=escalated)
            events.append(
                ComplaintEvent(
                    organisation=ville,
                    complaint=complaint,
                    kind=ComplaintEventKind.ESCALATED,
                    created_at=escalated,
                )
            )
        ComplaintEvent.objects.bulk_create(events)
        count += 1
    return count


def seed_reports(now, procedures) -> int:
    rows = []
    agents = {a.user.email: a for a in Agent.objects.select_related("user")}
    replier = agents["nadia.roux@bellerive.test"]
    for index, (code, author, kind, description, status, reply) in enumerate(REPORTS):
        procedure = procedures[code]
        case = (
            Case.objects.filter(procedure=procedure, reference__isnull=False).order_by("pk").first()
        )
        rows.append(
            AgentFeedback(
                organisation_id=procedure.organisation_id,
                procedure=procedure,
                case=case,
                author=agents[author],
                kind=kind,
                description=description,
                status=status,
                reply=reply,
                replied_by=replier if reply else None,
                replied_at=now - datetime.timedelta(days=index + 1) if reply else None,
            )
        )
    AgentFeedback.objects.bulk_create(rows)
    return len(rows)


def seed_ideas(now, procedures, organisations) -> int:
    ville = organisations[VILLE.slug]
    nadia = Agent.objects.get(user__email="nadia.roux@bellerive.test")
    users = {
        u.email: u
        for u in User.objects.filter(
            email__in=[
                ALICE.email,
                BRUNO.email,
                "claire.martin@bellerive.test",
                "karim.benali@bellerive.test",
            ]
        )
    }
    supporters = list(
        User.objects.filter(people__organisation=ville).exclude(email__in=users).order_by("pk")[:40]
    )
    count = 0
    for index, (code, kind, author, title, body, status, reason, days) in enumerate(IDEAS):
        created = now - datetime.timedelta(days=days)
        idea = Idea.objects.create(
            organisation=ville,
            procedure=procedures.get(code) if code else None,
            author=users[author],
            author_kind=kind,
            title=title,
            body=body,
            is_published=True,
            status=status,
            status_reason=reason,
            status_changed_at=created + datetime.timedelta(days=days // 2)
            if status != IdeaStatus.PROPOSED
            else None,
        )
        backers = [users[author], *supporters[index * 6 : index * 6 + 3 + 2 * (5 - index)]]
        if author != BRUNO.email and index % 2 == 0:
            backers.append(users[BRUNO.email])
        IdeaSupport.objects.bulk_create(
            [
                IdeaSupport(organisation=ville, idea=idea, user=user)
                for user in dict.fromkeys(backers)
            ]
        )
        Idea.objects.filter(pk=idea.pk).update(
            created_at=created, support_count=len(dict.fromkeys(backers))
        )
        if status != IdeaStatus.PROPOSED:
            change = IdeaStatusChange.objects.create(
                organisation=ville,
                idea=idea,
                from_status=IdeaStatus.PROPOSED,
                to_status=status,
                reason=reason,
                by=nadia,
            )
            IdeaStatusChange.objects.filter(pk=change.pk).update(created_at=idea.status_changed_at)
        count += 1
    first = Idea.objects.filter(organisation=ville).order_by("pk").first()
    IdeaComment.objects.bulk_create(
        [
            IdeaComment(
                organisation=ville,
                idea=first,
                author=users[BRUNO.email],
                author_kind=AuthorKind.CITIZEN,
                body="Oui, et pourquoi pas aussi par courriel pour ceux qui n'ont pas de portable.",
                is_published=True,
            ),
            IdeaComment(
                organisation=ville,
                idea=first,
                author=users["claire.martin@bellerive.test"],
                author_kind=AuthorKind.AGENT,
                body="Côté service, cela nous éviterait aussi beaucoup d'appels pour savoir où en est le dossier.",
                is_published=True,
            ),
        ]
    )
    return count


def seed_listening(seed: int = 2026) -> dict[str, int]:
    """Load the listening demo; the number of rows of each kind."""
    rng = random.Random(seed)
    now = timezone.now()
    procedures = _procedures()
    organisations = {
        o.slug: o for o in Organisation.objects.filter(slug__in=[VILLE.slug, CAISSE.slug])
    }
    return {
        "feedback": seed_feedback(rng, timezone.localdate(now)),
        "invitations": seed_invitations(now),
        "experiences": seed_experiences(now, procedures, organisations),
        "complaints": seed_complaints(now, procedures, organisations),
        "reports": seed_reports(now, procedures),
        "ideas": seed_ideas(now, procedures, organisations),
    }
