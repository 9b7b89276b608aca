/* A small lightbox for post and message photos: links marked data-lightbox open their image in a
   <dialog>; arrows step through the same group, Escape or the close button closes. Without
   JavaScript the link simply opens the image. No inline script (the site's CSP forbids it). */
(function () {
  "use strict";
  var dialog, img, caption, group = [], index = 0, opener = null;

  function build() {
    dialog = document.createElement("dialog");
    dialog.className = "lightbox";
    dialog.setAttribute("aria-label", "Photo viewer");
    dialog.innerHTML =
      '<button type="button" class="lightbox-close secondary" aria-label="Close">×</button>' +
      '<button type="button" class="lightbox-prev secondary" aria-label="Previous photo">‹</button>' +
      '<figure><img alt=""><figcaption class="muted"></figcaption></figure>' +
      '<button type="button" class="lightbox-next secondary" aria-label="Next photo">›</button>';
    document.body.appendChild(dialog);
    img = dialog.querySelector("img");
    caption = dialog.querySelector("figcaption");
    dialog.querySelector(".lightbox-close").addEventListener("click", close);
    dialog.querySelector(".lightbox-prev").addEventListener("click", function () { step(-1); });
    dialog.querySelector(".lightbox-next").addEventListener("click", function () { step(1); });
    dialog.addEventListener("click", function (e) { if (e.target === dialog) { close(); } });
    dialog.addEventListener("keydown", function (e) {
      if (e.key === "ArrowLeft") { step(-1); } else if (e.key === "ArrowRight") { step(1); }
    });
    dialog.addEventListener("close", function () { if (opener) { opener.focus(); } });
  }

  function show(i) {
    index = (i + group.length) % group.length;
    var link = group[index];
    var thumb = link.querySelector("img");
    img.src = link.getAttribute("href");
    img.alt = thumb ? thumb.alt : "";
    caption.textContent = group.length > 1 ? (index + 1) + " / " + group.length : "";
    dialog.querySelector(".lightbox-prev").hidden = group.length < 2;
    dialog.querySelector(".lightbox-next").hidden = group.length < 2;
  }

  function step(delta) { show(index + delta); }

  function close() { if (dialog.open) { dialog.close(); } }

  document.addEventListener("click", function (e) {
    var link = e.target.closest ? e.target.closest("a[data-lightbox]") : null;
    if (!link || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) { return; }
    if (typeof HTMLDialogElement === "undefined") { return; }
    e.preventDefault();
    if (!dialog) { build(); }
    opener = link;
    group = Array.prototype.slice.call(
      document.querySelectorAll('a[data-lightbox="' + link.getAttribute("data-lightbox") + '"]'));
    show(group.indexOf(link));
    dialog.showModal();
  });
})();
