// Progressive enhancement for the console. Every page and action works without this file:
// it only refreshes the queue in place, shows an action's result without a full reload, and
// keeps a claim that is moving (approved, paying) up to date. No inline script anywhere (CSP).
"use strict";

(function () {
  const QUEUE_REFRESH_MS = 10000;
  const CLAIM_POLL_MS = 1500;
  // A claim waiting for a person is watched more slowly: another adjuster may decide it.
  const WATCH_MS = 5000;
  const SIGN_IN = "/console/sign-in";

  function parse(html) {
    return new DOMParser().parseFromString(html, "text/html");
  }

  function signedOut(response) {
    return new URL(response.url).pathname === SIGN_IN || response.status === 401;
  }

  // The queue: replace its table with a fresh one, in place.
  function refreshQueue(container) {
    // Never pull the table out from under a keyboard user: wait until focus leaves it.
    if (container.contains(document.activeElement)) {
      return;
    }
    const url = container.dataset.refreshUrl;
    fetch(url, { credentials: "same-origin" })
      .then(function (response) {
        if (signedOut(response)) {
          window.location.assign(SIGN_IN);
          return null;
        }
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (html !== null) {
          container.innerHTML = html;
          localTimes(container);
        }
      })
      .catch(function () { /* offline for a moment: try again at the next tick */ });
  }

  // A claim page: swap the parts that change (status, actions, ledger, timeline).
  function swapLive(fresh) {
    const main = document.getElementById("main");
    const freshMain = fresh.getElementById("main");
    if (!main || !freshMain) {
      return;
    }
    freshMain.querySelectorAll("[data-live][id]").forEach(function (part) {
      const current = document.getElementById(part.id);
      if (current && current.innerHTML !== part.innerHTML && !current.contains(document.activeElement)) {
        current.innerHTML = part.innerHTML;
      }
    });
    main.dataset.inMotion = freshMain.dataset.inMotion;
    main.dataset.watch = freshMain.dataset.watch || "false";
    enhanceForms(main);
  }

  let polling = null;

  function pollClaim() {
    const main = document.getElementById("main");
    if (polling || !main) {
      return;
    }
    const moving = main.dataset.inMotion === "true";
    if (!moving && main.dataset.watch !== "true") {
      return;
    }
    polling = window.setInterval(function () {
      fetch(window.location.href, { credentials: "same-origin" })
        .then(function (response) { return signedOut(response) ? null : response.text(); })
        .then(function (html) {
          if (html === null) {
            return;
          }
          swapLive(parse(html));
          if ((main.dataset.inMotion === "true") !== moving || main.dataset.watch !== "true") {
            // Moving now, or settled: poll at the new pace, or stop.
            window.clearInterval(polling);
            polling = null;
            pollClaim();
          }
        })
        .catch(function () { /* try again at the next tick */ });
    }, moving ? CLAIM_POLL_MS : WATCH_MS);
  }

  function replacePage(response, html) {
    const fresh = parse(html);
    const freshMain = fresh.getElementById("main");
    const main = document.getElementById("main");
    if (!freshMain || !main) {
      document.documentElement.innerHTML = fresh.documentElement.innerHTML;
      return;
    }
    main.innerHTML = freshMain.innerHTML;
    main.dataset.inMotion = freshMain.dataset.inMotion || "false";
    main.dataset.watch = freshMain.dataset.watch || "false";
    window.clearInterval(polling);
    polling = null;
    document.title = fresh.title;
    if (response.redirected) {
      window.history.replaceState(null, "", response.url);
    }
    enhanceForms(main);
    const message = main.querySelector("#result [tabindex]") || main;
    message.focus();
    pollClaim();
  }

  // Times are written in UTC; beside each, the adjuster's own time zone (the browser's).
  function localTimes(root) {
    const format = new Intl.DateTimeFormat(undefined, {
      year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit",
      timeZoneName: "short",
    });
    root.querySelectorAll("time[data-local]").forEach(function (el) {
      if (el.dataset.localShown) {
        return;
      }
      const when = new Date(el.getAttribute("datetime"));
      if (isNaN(when.getTime())) {
        return;
      }
      el.dataset.localShown = "true";
      el.textContent = el.textContent + " · " + format.format(when);
    });
  }

  function enhanceForms(root) {
    localTimes(root);
    root.querySelectorAll("form[data-enhance]").forEach(function (form) {
      if (form.dataset.enhanced) {
        return;
      }
      form.dataset.enhanced = "true";
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        const button = form.querySelector("button[type=submit]");
        if (button) {
          button.disabled = true;
          button.textContent = "Working…";
        }
        fetch(form.action, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams(new FormData(form)).toString(),
        })
          .then(function (response) {
            return response.text().then(function (html) { replacePage(response, html); });
          })
          .catch(function () {
            // The network failed: fall back to a plain post, which shows what happened.
            form.submit();
          });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    const queue = document.getElementById("queue-table");
    if (queue) {
      window.setInterval(function () { refreshQueue(queue); }, QUEUE_REFRESH_MS);
    }
    enhanceForms(document);
    pollClaim();
  });
})();
