"""Form pieces shared by the citizens' and the agents' pages."""

from django import forms


class LongTextField(forms.CharField):
    """A textarea whose length limit is said and checked on the server, never silently
    enforced by the browser (which would cut what the person pasted)."""

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs
