// Optional drawn signature on the mandate form (progressive enhancement): without
// JavaScript the person types their name and ticks the box, which is enough.
(function () {
  "use strict";
  var pad = document.querySelector("[data-signature-pad]");
  if (!pad) return;
  var canvas = pad.querySelector("canvas");
  var field = document.querySelector("input[name=signature]");
  var context = canvas.getContext("2d");
  var drawing = false;
  pad.hidden = false;
  context.lineWidth = 2;
  context.lineCap = "round";
  context.strokeStyle = "#161616";

  function point(event) {
    var box = canvas.getBoundingClientRect();
    return {
      x: (event.clientX - box.left) * (canvas.width / box.width),
      y: (event.clientY - box.top) * (canvas.height / box.height),
    };
  }
  canvas.addEventListener("pointerdown", function (event) {
    drawing = true;
    var p = point(event);
    context.beginPath();
    context.moveTo(p.x, p.y);
    canvas.setPointerCapture(event.pointerId);
  });
  canvas.addEventListener("pointermove", function (event) {
    if (!drawing) return;
    var p = point(event);
    context.lineTo(p.x, p.y);
    context.stroke();
  });
  function finish() {
    if (!drawing) return;
    drawing = false;
    field.value = canvas.toDataURL("image/png");
  }
  canvas.addEventListener("pointerup", finish);
  canvas.addEventListener("pointercancel", finish);
  pad.querySelector("[data-signature-clear]").addEventListener("click", function () {
    context.clearRect(0, 0, canvas.width, canvas.height);
    field.value = "";
  });
})();
