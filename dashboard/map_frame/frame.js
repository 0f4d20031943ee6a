/* The dashboard's map frame (dashboard.mapview): Streamlit's component protocol, without a framework.

   The frame tells the page it is ready at once, and loads Leaflet (index.html) while the page answers.
   The first message brings the map's own page, made by folium on the server (args.html): once Leaflet
   is loaded, the page's styles, elements and scripts are taken into this frame in their order and run;
   what Leaflet's files already loaded is not loaded again. Every later message is read by the map itself
   (geo.maps.SelectionReceiver): the next selection replaces the previous one in the same map. Where
   args.clicks is true, a click on the map is sent back to the page as {last_clicked: {lat, lng}}. */
(function () {
  "use strict";
  var pending = null;
  var adopted = false;

  function send(type, fields) {
    var message = { isStreamlitMessage: true, type: type };
    Object.keys(fields || {}).forEach(function (k) { message[k] = fields[k]; });
    window.parent.postMessage(message, "*");
  }

  function loadedUrls() {
    var urls = {};
    document.querySelectorAll("script[src]").forEach(function (el) { urls[el.src] = true; });
    document.querySelectorAll("link[href]").forEach(function (el) { urls[el.href] = true; });
    return urls;
  }

  function runnable(node) {
    var type = (node.getAttribute("type") || "").trim().toLowerCase();
    return node.tagName === "SCRIPT" && (type === "" || type === "text/javascript");
  }

  // the nodes of the map's page in order; a script runs (an external one once loaded) before the next node
  function take(nodes, into, urls, done) {
    var i = 0;
    (function next() {
      while (i < nodes.length) {
        var node = nodes[i++];
        if (node.nodeType !== 1 || (node.tagName === "LINK" && urls[node.href])) { continue; }
        if (!runnable(node)) { into.appendChild(document.importNode(node, true)); continue; }
        if (node.src && urls[node.src]) { continue; }
        var script = document.createElement("script");
        if (node.src) {
          script.src = node.src;
          script.onload = script.onerror = next;
          into.appendChild(script);
          return;
        }
        script.textContent = node.textContent;
        into.appendChild(script);
      }
      done();
    })();
  }

  function adopt() {
    if (adopted || pending === null) { return; }
    adopted = true;
    var args = pending;
    send("streamlit:setFrameHeight", { height: args.height });
    var page = new DOMParser().parseFromString(args.html, "text/html");
    var urls = loadedUrls();
    take(Array.prototype.slice.call(page.head.childNodes), document.head, urls, function () {
      take(Array.prototype.slice.call(page.body.childNodes), document.body, urls, function () {
        var map = window[args.map];
        if (args.clicks && map && map.on) {
          map.on("click", function (e) {
            send("streamlit:setComponentValue", {
              value: { last_clicked: { lat: e.latlng.lat, lng: e.latlng.lng } },
              dataType: "json",
            });
          });
        }
      });
    });
  }

  window.addEventListener("message", function (e) {
    var d = e.data;
    if (adopted || e.source !== window.parent || !d || d.type !== "streamlit:render" || !d.args
        || typeof d.args.html !== "string") { return; }
    pending = d.args;  // the newest, where two arrive before Leaflet is loaded
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", adopt);
    } else {
      adopt();
    }
  });
  send("streamlit:componentReady", { apiVersion: 1 });
})();
