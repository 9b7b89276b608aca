/* Per-viewer video streams: a <video data-hls="playlist URL"> plays that viewer's HLS playlist (each
   segment carries their forensic mark). Safari plays HLS natively; elsewhere the vendored hls.js
   (static/vendor/hls) is loaded on demand and attached once the player nears the viewport, fetching
   only the playlist until the viewer presses play. The poster shows first; there is deliberately
   no MP4 fallback (it would carry no mark). No inline script (the site's CSP forbids it); no worker
   (CSP: scripts only from our origin, and hls.js builds its worker from a blob). */
(function () {
  "use strict";
  if (window.fansubStreamPlayer) { return; }
  window.fansubStreamPlayer = true;
  var HLS_TYPE = "application/vnd.apple.mpegurl";
  var waiting = [], loading = false;

  function withLibrary(src, done) {
    if (window.Hls) { done(); return; }
    waiting.push(done);
    if (loading) { return; }
    loading = true;
    var script = document.createElement("script");
    script.src = src;
    script.onload = function () { waiting.splice(0).forEach(function (fn) { fn(); }); };
    script.onerror = function () { waiting.splice(0); };
    document.head.appendChild(script);
  }

  function failed(video) {
    var note = document.createElement("p");
    note.className = "muted stream-error";
    note.setAttribute("role", "status");
    note.textContent = "This video could not be played in this browser.";
    video.insertAdjacentElement("afterend", note);
  }

  function attach(video) {
    if (video.dataset.streamAttached) { return; }
    video.dataset.streamAttached = "1";
    var src = video.dataset.hls;
    if (!window.MediaSource && video.canPlayType(HLS_TYPE)) { video.src = src; return; }
    withLibrary(video.dataset.hlsLib, function () {
      if (!window.Hls || !window.Hls.isSupported()) {
        if (video.canPlayType(HLS_TYPE)) { video.src = src; } else { failed(video); }
        return;
      }
      var hls = new window.Hls({ enableWorker: false, autoStartLoad: false, startPosition: 0 });
      var started = false;
      function start() { if (!started) { started = true; hls.startLoad(0); } }
      video.addEventListener("play", start);
      hls.on(window.Hls.Events.ERROR, function (event, data) {
        if (!data.fatal) { return; }
        hls.destroy();
        failed(video);
      });
      hls.loadSource(src);
      hls.attachMedia(video);
      if (!video.paused) { start(); }
    });
  }

  function init() {
    var videos = Array.prototype.slice.call(document.querySelectorAll("video[data-hls]"));
    if (!videos.length) { return; }
    if (!("IntersectionObserver" in window)) { videos.forEach(attach); return; }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) { observer.unobserve(entry.target); attach(entry.target); }
      });
    }, { rootMargin: "400px" });
    videos.forEach(function (video) { observer.observe(video); });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
}());
