// The service worker (served as /sw.js): pages an intern has opened keep working without a
// connection. Pages come from the network first and a copy is kept; without a connection the
// kept copy is shown. Style, script and icons come from the cache, refreshed in the
// background. Answers given offline are not handled here but by app.js (IndexedDB), which
// sends them when the connection returns. Signing out empties the page cache (app.js).
"use strict";

var VERSION = "readiness-v1";
var STATIC = VERSION + "-static";
var PAGES = VERSION + "-pages";
var SHELL = ["/static/style.css", "/static/app.js", "/static/icons/icon-192.png"];
// Only the intern's own pages are kept: never the staff's, never downloads.
var KEEP = [/^\/me$/, /^\/assessments\/\d+(\/pages\/[\w-]+|\/review|\/result)?$/];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(STATIC).then(function (cache) { return cache.addAll(SHELL); }));
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf(VERSION) !== 0;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("message", function (event) {
  if (event.data === "forget-pages") event.waitUntil(caches.delete(PAGES));
});

function kept(url) {
  return KEEP.some(function (pattern) { return pattern.test(url.pathname); });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(
      caches.open(STATIC).then(function (cache) {
        return cache.match(request).then(function (hit) {
          var fresh = fetch(request).then(function (response) {
            if (response.ok) cache.put(request, response.clone());
            return response;
          });
          return hit || fresh;
        });
      })
    );
    return;
  }
  if (request.mode !== "navigate" || !kept(url)) return;
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok && response.type === "basic" && !response.redirected) {
        var copy = response.clone();
        caches.open(PAGES).then(function (cache) { cache.put(url.pathname + url.search, copy); });
      }
      return response;
    }).catch(function () {
      return caches.open(PAGES).then(function (cache) {
        return cache.match(url.pathname + url.search).then(function (hit) {
          return hit || cache.match(url.pathname);
        });
      }).then(function (hit) { return hit || Response.error(); });
    })
  );
});
