// Uploads several files at once with a progress bar each. No framework, no CDN: works offline.
// Local storage: multipart POST to the API. S3: presigned POST straight to the bucket, then "complete".
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form || !window.XMLHttpRequest || !window.FormData) { return; }
  var list = document.getElementById("upload-list");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;

  function row(name) {
    var li = document.createElement("li");
    var label = document.createElement("span");
    label.textContent = name + " ";
    var bar = document.createElement("progress");
    bar.max = 100; bar.value = 0;
    var status = document.createElement("small");
    li.appendChild(label); li.appendChild(bar); li.appendChild(status);
    list.appendChild(li);
    return { bar: bar, status: status };
  }

  function send(method, url, body, ui, headers) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open(method, url);
      Object.keys(headers || {}).forEach(function (k) { xhr.setRequestHeader(k, headers[k]); });
      xhr.upload.onprogress = function (e) { if (e.lengthComputable && ui) { ui.bar.value = Math.round(100 * e.loaded / e.total); } };
      xhr.onload = function () {
        var data = null;
        try { data = JSON.parse(xhr.responseText || "null"); } catch (err) { data = null; }
        if (xhr.status >= 200 && xhr.status < 300) { resolve(data); } else { reject(data || { error: { message: "HTTP " + xhr.status } }); }
      };
      xhr.onerror = function () { reject({ error: { message: "Network error" } }); };
      xhr.send(body);
    });
  }

  function viaServer(file, adult, ui) {
    var body = new FormData();
    body.append("file", file);
    if (adult) { body.append("is_adult", "true"); }
    return send("POST", form.dataset.api, body, ui, { "X-CSRFToken": csrf });
  }

  function viaStorage(file, adult, ui) {
    var start = new FormData();
    start.append("name", file.name); start.append("content_type", file.type || "");
    if (adult) { start.append("is_adult", "true"); }
    return send("POST", form.dataset.directStart, start, null, { "X-CSRFToken": csrf }).then(function (ticket) {
      var body = new FormData();
      Object.keys(ticket.fields).forEach(function (k) { body.append(k, ticket.fields[k]); });
      body.append("file", file);
      return send("POST", ticket.url, body, ui, {}).then(function () {
        return send("POST", form.dataset.directStart + ticket.ticket + "/complete/", null, null, { "X-CSRFToken": csrf });
      });
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var files = form.querySelector("input[type=file]").files;
    var adult = form.querySelector("input[name=is_adult]").checked;
    Array.prototype.forEach.call(files, function (file) {
      var ui = row(file.name);
      var upload = form.dataset.direct === "1" ? viaStorage : viaServer;
      upload(file, adult, ui).then(function (item) {
        ui.bar.value = 100;
        ui.status.textContent = item.reused ? " already in your vault" : " " + item.state;
      }, function (err) {
        var e = (err && err.error) || {};
        ui.status.textContent = " refused: " + (e.message || "error") + (e.code ? " (" + e.code + ")" : "");
      });
    });
  });
})();
