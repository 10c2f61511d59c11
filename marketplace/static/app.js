/* InnoBridge: the only script of the pages (no inline script: Content-Security-Policy).
   A form with data-confirm="question" asks before it is sent. */
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form && form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
}, true);
