// Pages that only send the reader on (a commitment's link preview, an old URL):
// the address is in <html data-forward>. A redirect keeps the #anchor it was
// opened with; a preview's address has its own. A file, not an inline script,
// so the Content Security Policy allows no inline script on these pages either.
(function () {
  "use strict";
  var to = document.documentElement.getAttribute("data-forward");
  if (!to) return;
  location.replace(to.indexOf("#") < 0 ? to + location.hash : to);
})();
