// The page's one script, inlined by site.py: search and filters, the time-zone switch, and picks.
// The page reads fully without it; it only adds. No requests but the page's own calendars of
// each paper or item (each event's data-ics, fetched when you pick, to build "Download my picks"
// from the published bytes, which also tell whether the picks fit a subscription).
(() => {
  "use strict";
  const data = JSON.parse(document.getElementById("picks-data").textContent);
  const $ = (id) => document.getElementById(id);
  const events = Array.from(document.querySelectorAll("li.event"));
  const byKey = new Map(events.map((li) => [li.dataset.key, li]));
  const order = new Map(events.map((li, index) => [li.dataset.key, index]));
  const storeKey = `confcal:${data.id}:picks`;
  const zoneKey = `confcal:${data.id}:zone`;

  const storage = {
    get(key) {
      try { return localStorage.getItem(key); } catch { return null; }
    },
    set(key, value) {
      try { localStorage.setItem(key, value); } catch { /* private mode: the address keeps them */ }
    },
  };

  // ---- subscribe links ---------------------------------------------------------------------
  // Percent-encoding as Python's urllib.parse.quote does it, which writes the page's own feed
  // links (site.py): the UTF-8 bytes of all but letters, digits, "_.-~" and the ASCII of `safe`.
  function quote(text, safe = "") {
    return encodeURIComponent(text)
      .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
      .replace(/%([0-7][0-9A-F])/g, (escape, hex) => {
        const c = String.fromCharCode(parseInt(hex, 16));
        return safe.includes(c) ? c : escape;
      });
  }
  // A feed's links as site.feed_links writes them, from its address and name.
  function feedLinks(address, name) {
    const subscribe = `webcal://${address.replace(/^https?:\/\//, "")}`;
    return {
      subscribe,
      google: `https://calendar.google.com/calendar/render?cid=${quote(subscribe, ":/")}`,
      outlook: `https://outlook.live.com/calendar/0/addfromweb?url=${quote(address)}&name=${quote(name)}`,
    };
  }
  // Without a public address (base_url), a page served over http(s) knows its own: each feed's
  // subscribe links and address are made from it (relative to the page, ASCII as
  // site.public_address writes it: the browser gives the host in xn-- form, and the path is
  // percent-encoded as checked.ascii_url does), and the note asking organizers for one goes.
  // Opened from a folder (file://), the page offers downloads only, as without this script; so
  // it does on a loopback address (confcal serve's preview: 127.0.0.1, localhost, [::1]), which
  // no calendar service can fetch, and the organizer previewing it still reads the note.
  const loopback = /^(localhost|.+\.localhost|127(\.\d+){3}|\[::1\]|\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\])\.?$/;
  if (!data.base && /^https?:$/.test(location.protocol) && !loopback.test(location.hostname)) {
    for (const article of document.querySelectorAll("article.feed[data-feed]")) {
      const url = new URL(article.dataset.feed, location.href);
      const address = url.origin + quote(url.pathname, "!$&()*+,;=%:@/");
      const links = feedLinks(address, article.dataset.name);
      for (const node of article.querySelectorAll("[data-link]")) {
        if (node.dataset.link === "address") node.textContent = address;
        else node.href = links[node.dataset.link];
      }
      for (const node of article.querySelectorAll(".from-here")) node.hidden = false;
    }
    $("feeds-note").hidden = true;
  }

  // ---- picks -------------------------------------------------------------------------------
  // Your picks stay in localStorage and in the address. A link to other picks than yours (a
  // colleague's) opens as a view of its picks: yours stay saved until you choose to keep the
  // link's instead, add them to yours, or go back to yours. A pick of an event no longer in the
  // programme stays saved too, aside (gone), and is a pick again if the event is put back.
  const isKey = (key) => typeof key === "string" && /^[a-z2-7]{8}$/.test(key);
  function storedKeys() {
    try {
      const keys = JSON.parse(storage.get(storeKey) || "[]");
      return Array.isArray(keys) ? keys.filter(isKey) : [];
    } catch {
      return [];
    }
  }
  const linked = location.hash.startsWith("#picks=") ? location.hash.slice(7).split("-").filter(isKey) : [];
  const saved = storedKeys();
  let viewing = linked.length > 0 && saved.length > 0
    && (linked.length !== saved.length || linked.some((key) => !saved.includes(key)));
  const picks = new Set();
  const gone = new Set();
  function takePicks(keys) {
    picks.clear();
    gone.clear();
    for (const key of keys) (byKey.has(key) ? picks : gone).add(key);
  }
  takePicks(linked.length ? linked : saved);
  const sortedKeys = () => Array.from(picks).sort();
  const allKeys = () => [...picks, ...gone].sort();
  const inOrder = () => Array.from(picks).sort((a, b) => order.get(a) - order.get(b));
  const counted = (count, what) => `${count} ${what}${count === 1 ? "" : "s"}`;

  function save() {
    const keys = allKeys();
    if (!viewing) storage.set(storeKey, JSON.stringify(keys));
    if (!location.hash || location.hash.startsWith("#picks=")) {
      const fragment = keys.length ? `#picks=${keys.join("-")}` : location.pathname + location.search;
      history.replaceState(null, "", fragment);
    }
  }

  function showShared() {
    $("shared").hidden = !viewing;
    $("picks-title").textContent = viewing ? "Picks from a link" : "My picks";
    if (!viewing) return;
    const own = storedKeys().length;
    const panel = document.createElement("a");
    panel.href = "#picks";
    panel.textContent = "Picks from a link";
    $("shared-text").replaceChildren(
      `This link shows ${counted(picks.size, "pick")}, starred in the programme and listed under `,
      panel,
      `. ${own === 1 ? "Your own pick is" : `Your own ${own} picks are`} still saved in this browser, `
        + "unchanged until you choose:",
    );
  }

  function choose(keys) {
    viewing = false;
    takePicks(keys);
    save();
    showShared();
    showPicks();
    $("picks-title").focus();
  }
  $("shared-keep").addEventListener("click", () => choose(allKeys()));
  $("shared-add").addEventListener("click", () => choose([...storedKeys(), ...allKeys()]));
  $("shared-back").addEventListener("click", () => choose(storedKeys()));

  const calendars = new Map();  // a paper's or item's calendar (data-ics) → its text, once
  function calendarOf(li) {
    const file = li.dataset.ics;
    if (!calendars.has(file)) {
      calendars.set(file, fetch(file).then((response) => {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      }).catch((error) => {
        calendars.delete(file);
        throw new Error(`${file}: ${error.message}`);
      }));
    }
    return calendars.get(file);
  }

  function eventBlock(text, uid, file) {
    for (const block of text.match(/BEGIN:VEVENT\r\n[\s\S]*?END:VEVENT\r\n/g) || []) {
      if (block.replace(/\r\n[ \t]/g, "").includes(`\r\nUID:${uid}\r\n`)) return block;
    }
    throw new Error(`${uid} is not in ${file}`);
  }

  // ---- the personal calendar's head -------------------------------------------------------------
  // As confcal.picks names it: its name ends with the number of picks (a new subscription for
  // new picks reads apart from the old one in a calendar app), its name lines folded as
  // vevent.fold folds them: segments of whole characters of at most 74 octets, a backslash or
  // caret that would end one moved to the next.
  const utf8 = new TextEncoder();
  const picksName = (count) => `: my ${count} pick${count === 1 ? "" : "s"}`;
  function foldLine(line) {
    const bytes = utf8.encode(line);
    if (bytes.length < 75) return line;
    const parts = [];
    let start = 0;
    while (bytes.length - start >= 75) {
      let end = start + 74;
      while ((bytes[end] & 0xc0) === 0x80) end -= 1;
      if ((bytes[end - 1] === 0x5c || bytes[end - 1] === 0x5e) && end - 1 > start) end -= 1;
      parts.push(bytes.subarray(start, end));
      start = end;
    }
    parts.push(bytes.subarray(start));
    const text = new TextDecoder();
    return parts.map((part) => text.decode(part)).join("\r\n ");
  }
  const headOf = (count) => data.head.map((part, index) => (index % 2 ? foldLine(part + picksName(count)) : part)).join("");

  // ---- the budget of a subscription ------------------------------------------------------------
  // The personal feed is the head and the picked VEVENT blocks, byte for byte those the page
  // fetches for the download: its size is known exactly once they are here (bytes by key).
  const blockBytes = new Map();
  const megabytes = (size) => (size >= 1e6 ? `${(size / 1e6).toFixed(2)} MB` : `${Math.round(size / 1000)} kB`);
  function tooBig(keys) {
    if (keys.length > data.maxPicks) {
      return `a personal feed holds at most ${data.maxPicks} picks, and you have ${keys.length}`;
    }
    const known = keys.filter((key) => blockBytes.has(key));
    const headBytes = utf8.encode(headOf(keys.length)).length + "END:VCALENDAR\r\n".length;
    const size = known.reduce((sum, key) => sum + blockBytes.get(key), headBytes);
    if (size <= data.maxBytes && keys.length <= data.maxEvents) return "";  // as far as is known yet
    const bytes = known.length === keys.length ? megabytes(size) : `more than ${megabytes(size)}`;
    return `at ${bytes} and ${keys.length} event${keys.length === 1 ? "" : "s"}, your picks are too large `
      + "for a calendar subscription (Google Calendar and other apps silently drop events from "
      + `subscriptions over ${data.budget})`;
  }
  function offerSubscription(keys) {
    const note = $("picks-too-big");
    if (!note) return;  // no public address: no subscribe links
    const reason = keys.length ? tooBig(keys) : "";
    note.hidden = !reason;
    note.textContent = reason ? `Download only: ${reason}. Remove some picks to subscribe, or download them.` : "";
    for (const node of document.querySelectorAll(".picks-subscribe")) node.hidden = Boolean(reason);
  }

  let generation = 0;
  let blobUrl = "";
  async function updateDownload(keys) {
    const mine = ++generation;
    const link = $("picks-download");
    link.removeAttribute("href");
    link.setAttribute("aria-disabled", "true");
    if (!keys.length) return;
    const settled = await Promise.allSettled(keys.map(async (key) => {
      const li = byKey.get(key);
      const block = eventBlock(await calendarOf(li), li.dataset.uid, li.dataset.ics);
      if (!blockBytes.has(key)) blockBytes.set(key, utf8.encode(block).length);
      return block;
    }));
    if (mine !== generation) return;
    offerSubscription(keys);
    const blocks = settled.filter((result) => result.status === "fulfilled").map((result) => result.value);
    const failed = settled.filter((result) => result.status === "rejected").map((result) => result.reason.message);
    if (failed.length) {
      $("picks-status").textContent = blocks.length
        ? `Download my picks holds ${blocks.length} of your ${keys.length} picks, not: ${failed.join("; ")}`
        : `Download unavailable: ${failed.join("; ")}`;
    }
    if (!blocks.length) return;
    if (blobUrl) URL.revokeObjectURL(blobUrl);
    const text = headOf(keys.length) + blocks.join("") + "END:VCALENDAR\r\n";
    blobUrl = URL.createObjectURL(new Blob([text], { type: "text/calendar;charset=utf-8" }));
    link.href = blobUrl;
    link.removeAttribute("aria-disabled");
  }


  // A pick's time as its event shows it, with its day: in your time the time says its date; in
  // the conference's, the day it is listed under (events at the same time on two days read apart).
  const dayLabels = new Map(Array.from($("f-day").options, (option) => [option.value, option.textContent]));
  function whenOf(li) {
    const when = li.querySelector(".when").cloneNode(true);
    for (const hidden of when.querySelectorAll(".vh")) hidden.remove();  // a mark says "Moved", no more
    const time = when.querySelector("time");
    if (time && !$("zone-viewer").checked) {
      time.textContent = `${dayLabels.get(li.closest("section.dayblock").dataset.day)}, ${time.textContent}`;
    }
    return when.textContent;
  }

  function showPicks() {
    const keys = inOrder();
    for (const button of document.querySelectorAll("button.star")) {
      const li = button.closest("[data-key]");  // an event, or its line on a later day it runs through
      const picked = picks.has(li.dataset.key);
      if (button.getAttribute("aria-pressed") !== String(picked)) {
        button.setAttribute("aria-pressed", String(picked));
        li.classList.toggle("picked", picked);
      }
    }
    const list = $("picks-list");
    list.replaceChildren(...keys.map((key) => {
      const li = byKey.get(key);
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = `#${li.id}`;
      link.textContent = li.querySelector("h4").textContent;
      const when = document.createElement("span");
      when.className = "muted";
      when.textContent = ` · ${whenOf(li)}`;
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "unpick";
      remove.dataset.key = key;
      remove.textContent = "Remove";
      const label = document.createElement("span");
      label.className = "vh";
      label.textContent = `: ${link.textContent}`;
      remove.append(label);
      item.append(link, when, " ", remove);
      return item;
    }));
    const count = keys.length;
    $("picks-count").textContent = String(count);
    $("picks-status").textContent = viewing
      ? `${counted(count, "event")} from the link, kept in this page's address only until you choose above.`
      : count
        ? `${counted(count, "event")} picked. They stay in this browser and in this page's address.`
        : gone.size
          ? "None of your picks is in the programme now: press ☆ Pick beside any event to pick others."
          : "No picks yet: press ☆ Pick beside any event. Your picks stay in this browser and in this page's address.";
    showGone(count);
    $("picks-actions").hidden = count === 0;
    const sorted = sortedKeys();
    const share = new URL(location.href);
    share.hash = `picks=${allKeys().join("-")}`;
    $("picks-share").href = share.href;
    if (data.base) {
      const feed = `${data.base}picks/${sorted.join("-")}.ics`;
      const name = data.name + picksName(sorted.length);
      const links = feedLinks(feed, name);
      $("picks-webcal").href = links.subscribe;
      $("picks-google").href = links.google;
      $("picks-outlook").href = links.outlook;
      $("picks-url").value = feed;
      $("picks-name").textContent = name;
    }
    offerSubscription(keys);
    updateDownload(keys);
  }

  // Picks of events no longer in the programme (gone): how many, and a button to forget them.
  function showGone(count) {
    const one = gone.size === 1;
    $("picks-gone").hidden = gone.size === 0;
    const whose = viewing ? "this link's" : "your";
    $("picks-gone-count").textContent = count === 0
      ? `${one ? `${viewing ? "This link's" : "Your"} pick is` : `All ${gone.size} of ${whose} picks are`}`
      : `${gone.size} of ${viewing ? "these" : "your"} picks ${one ? "is" : "are"}`;
    $("picks-gone-kept").textContent = one
      ? `It stays saved ${viewing ? "in this page's address" : "in this browser"}, and is a pick again if its event is put back.`
      : `They stay saved ${viewing ? "in this page's address" : "in this browser"}, and are picks again if their events are put back.`;
    $("picks-forget").textContent = one ? "Forget this pick" : `Forget these ${gone.size} picks`;
    // Named as the latest release named them when it removed them; an older one by its key.
    $("picks-gone-names").textContent = Array.from(gone).sort()
      .map((key) => (Object.hasOwn(data.removed, key) ? `“${data.removed[key]}”` : `pick ${key}`)).join("; ");
  }
  $("picks-forget").addEventListener("click", () => {
    const forgotten = gone.size;
    gone.clear();
    save();
    showPicks();
    $("picks-title").focus();  // the note and its button are gone
    $("picks-status").textContent = `Forgot ${counted(forgotten, "pick")} no longer in the programme. `
      + $("picks-status").textContent;
  });

  function toggle(key) {
    if (picks.has(key)) picks.delete(key); else picks.add(key);
    save();
    showPicks();
  }

  document.addEventListener("click", (event) => {
    const star = event.target.closest("button.star");
    if (star) {
      toggle(star.closest("[data-key]").dataset.key);
      return;
    }
    const remove = event.target.closest("button.unpick");
    if (remove) toggle(remove.dataset.key);
    if (event.target.closest('#picks-list a, #results-list a[href^="#"]') && !$("results").hidden) {
      placeBefore = null;  // the link's target is where the reader goes (a continuing line's first day)
      clearFilters();
    }
    const link = event.target.closest('a[href^="#"]');
    if (link?.getAttribute("href") === "#q") {  // "Search" at the top: to the controls, typing
      event.preventDefault();
      $("filters").scrollIntoView({ block: "start" });
      $("q").focus({ preventScroll: true });
      return;
    }
    const target = link && targetOf(link.getAttribute("href"));
    if (target) {
      prepareJump(target);  // before the browser's jump
      requestAnimationFrame(() => keepPlaced(target));  // after it
    }
  });
  window.addEventListener("storage", (event) => {
    if (event.key !== storeKey) return;
    if (viewing) {  // yours changed in another tab: the view stays
      showShared();
      return;
    }
    takePicks(storedKeys());
    showPicks();
  });

  // ---- search and filters -------------------------------------------------------------------
  // While a search or filter is on, the day-by-day programme is hidden (one style change) and
  // copies of the first matches are shown instead: a keystroke never lays out 3,700 events.
  const RESULTS_SHOWN = 100;
  const fold = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  // A word of a search matches inside longer words ("transform" finds "transformers"), but a
  // number only whole: "9" finds poster session 9 and board #9, not board #19 or #279. Events
  // with all the words together, each whole ("poster session 9"), are shown first.
  const literal = (word) => word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const wordPattern = (word) => new RegExp(
    `${/^\d/.test(word) ? "(?<!\\d)" : ""}${literal(word)}${/\d$/.test(word) ? "(?!\\d)" : ""}`,
  );
  const phrasePattern = (words) => new RegExp(
    `(?<![\\p{L}\\p{N}])${words.map(literal).join("[^\\p{L}\\p{N}]+")}(?![\\p{L}\\p{N}])`, "u",
  );
  let apartFrom = -1;  // the first of the matches without the words together, when some have them
  let apartNote = "";
  let texts = null;
  const days = Array.from(document.querySelectorAll("section.dayblock"));
  const dayOf = events.map((li) => li.closest("section.dayblock"));
  // The conference's days an event runs on, first and last (ISO dates, as its times are written
  // in the conference's zone): the Day filter finds a night or a two-day workshop on each of them.
  const spanOf = events.map((li, index) => {
    const time = li.querySelector("time[data-end]");
    const first = dayOf[index].dataset.day;
    if (!time) return [first, first];
    // Days change at 04:00 (model.DAY_CHANGE): an event ending in the night, up to 04:00, ends
    // on the day before; the last day is that of its end less 4 h and a second.
    const [year, month, date, hour, minute, second] = time.dataset.end.slice(0, 19).split(/[-T:]/).map(Number);
    const last = new Date(Date.UTC(year, month - 1, date, hour - 4, minute, second - 1))
      .toISOString().slice(0, 10);
    return [first, last < first ? first : last];
  });
  // An event's line on each later day it runs through (site.py lists it there as continuing),
  // by its key and the day: the Day filter set to such a day shows that line, under that day.
  const continuing = new Map(Array.from(document.querySelectorAll("li.continues"), (li) => [
    `${li.dataset.key} ${li.closest("section.dayblock").dataset.day}`, li,
  ]));
  function shownOn(index, day) {
    const line = day && day !== dayOf[index].dataset.day && continuing.get(`${events[index].dataset.key} ${day}`);
    return line ? [line, line.closest("section.dayblock")] : [events[index], dayOf[index]];
  }
  let matches = [];
  function copyOf(li) {
    const copy = li.cloneNode(true);
    copy.removeAttribute("id");
    copy.hidden = false;
    return copy;
  }
  function showResults(limit) {
    const groups = [];
    let list = null;
    let lastDay = null;
    const day = $("f-day").value;
    for (const [at, index] of matches.slice(0, limit).entries()) {
      const [line, block] = shownOn(index, day);
      if (at === apartFrom) {
        const note = document.createElement("p");
        note.className = "apart";
        note.textContent = apartNote;
        groups.push(note);
        lastDay = null;
      }
      if (block !== lastDay) {
        lastDay = block;
        const heading = lastDay.querySelector("h3").cloneNode(true);
        heading.removeAttribute("id");
        list = document.createElement("ol");
        list.className = "day";
        groups.push(heading, list);
      }
      list.append(copyOf(line));
    }
    $("results-list").replaceChildren(...groups);
    const more = $("results-more");
    more.hidden = matches.length <= limit;
    more.textContent = `Show all ${matches.length} matching events`;
  }
  // What search finds: what each event shows but its time (which the zone switch rewrites), and
  // the heading of its declared session but its time: its name, place and chairs.
  const SEARCHED = "h4, .kind, .where, .authors, .speakers, .award";
  const headings = new Map();  // each declared session's, once
  function headingOf(li) {
    const session = li.closest("li.session");
    if (!session) return "";
    if (!headings.has(session)) {
      const parts = [session.querySelector(":scope > h4"), session.querySelector(":scope > p > .about")];
      headings.set(session, parts.map((node) => node?.textContent || "").join(" "));
    }
    return headings.get(session);
  }
  function index() {
    texts ||= events.map((li) => fold(
      `${Array.from(li.querySelectorAll(SEARCHED), (node) => node.textContent).join(" ")} ${headingOf(li)}`,
    ));
  }
  // A new search or filter shows its results from the first match, just below the controls
  // (were the window left where it was, in a programme now hidden, it would show their end);
  // ending it goes back to the place in the programme it began at.
  let asked = "";  // the search and filters the results are for
  let placeBefore = null;  // where the reader was: an event and its place in the window, or a scroll offset
  function placeInProgramme() {
    fitBar();
    let first = 0;  // the first event whose top is in sight below the bar
    for (let high = events.length; first < high;) {
      const middle = (first + high) >> 1;
      if (events[middle].getBoundingClientRect().top < barHeight) first = middle + 1;
      else high = middle;
    }
    const top = events[first]?.getBoundingClientRect().top;
    return top < innerHeight ? { event: events[first], top } : scrollY;
  }
  function showPlace(filtering, question) {
    if (filtering && question !== asked) {
      fitBar();
      if ($("results").getBoundingClientRect().top < barHeight - 1) placeAt($("results"), barHeight);
    } else if (!filtering && placeBefore !== null) {
      if (typeof placeBefore === "number") scrollTo(0, placeBefore);
      else jump(placeBefore.event, placeBefore.top);
      placeBefore = null;
    }
    asked = filtering ? question : "";
  }
  // A search typed waits for a pause in the typing; whatever applies the filters first (Enter, a
  // filter changed, the search cleared) makes it due no more: it would fold "Show all" back.
  let pending = 0;
  function applyFilters() {
    clearTimeout(pending);
    const words = fold($("q").value).split(/\s+/).filter(Boolean);
    if (words.length) index();
    const day = $("f-day").value;
    const kind = $("f-kind").value;
    const feed = $("f-feed").value;
    const onlyPicked = $("f-picked").checked;
    const filtering = words.length || day || kind || feed || onlyPicked;
    if (filtering && $("results").hidden) placeBefore = placeInProgramme();
    matches = [];
    if (filtering) {
      const patterns = words.map(wordPattern);
      const phrase = words.length ? phrasePattern(words) : null;
      const apart = [];
      events.forEach((li, index) => {
        if ((!day || (spanOf[index][0] <= day && day <= spanOf[index][1]))
          && (!kind || li.dataset.kind === kind)
          && (!feed || ` ${li.dataset.feeds} `.includes(` ${feed} `))
          && (!onlyPicked || picks.has(li.dataset.key))
          && patterns.every((pattern) => pattern.test(texts[index]))) {
          (!phrase || phrase.test(texts[index]) ? matches : apart).push(index);
        }
      });
      apartFrom = matches.length && apart.length ? matches.length : -1;
      apartNote = words.length > 1
        ? "More matches, with the words apart or inside longer words:"
        : "More matches, inside longer words:";
      matches.push(...apart);
      showResults(RESULTS_SHOWN);
    } else {
      $("results-list").replaceChildren();
    }
    $("results").hidden = !filtering;
    for (const block of days) if (block.hidden !== Boolean(filtering)) block.hidden = Boolean(filtering);
    $("f-status").textContent = filtering
      ? `${matches.length} of ${events.length} events match`
      : `All ${events.length} events`;
    showPlace(filtering, JSON.stringify([words, day, kind, feed, onlyPicked]));
  }
  function clearFilters() {
    $("q").value = "";
    for (const id of ["f-day", "f-kind", "f-feed"]) $(id).value = "";
    $("f-picked").checked = false;
    applyFilters();
  }
  function scheduleFilters() {
    clearTimeout(pending);
    pending = setTimeout(applyFilters, 60);
  }
  $("q").addEventListener("input", scheduleFilters);
  for (const id of ["f-day", "f-kind", "f-feed", "f-picked"]) $(id).addEventListener("change", applyFilters);
  $("filters").addEventListener("submit", (event) => { event.preventDefault(); applyFilters(); });
  $("results-more").addEventListener("click", () => showResults(matches.length));

  // ---- links to events and days -----------------------------------------------------------
  // The root's scroll padding is the sticky bar's height (it wraps to more lines in a narrower
  // window; 0 where the bar does not stick): the browser then keeps whatever it scrolls to, the
  // target of a link or the element the keyboard focuses, below the bar. Only on the root: a
  // style the programme inherits would make the browser restyle 3,700 events. None while the
  // focus is in the bar itself: the browser would scroll at every keystroke in the search box,
  // to bring it out from under its own bar.
  const bar = $("filters");
  const root = document.documentElement;
  let barHeight = -1;
  function padRoot(focused = document.activeElement) {
    root.style.scrollPaddingTop = `${bar.contains(focused) ? 0 : barHeight}px`;
  }
  function fitBar() {
    const height = getComputedStyle(bar).position === "sticky" ? bar.offsetHeight : 0;
    if (height === barHeight) return;
    barHeight = height;
    padRoot();
  }
  new ResizeObserver(fitBar).observe(bar);
  window.addEventListener("resize", fitBar);
  bar.addEventListener("focusin", (event) => padRoot(event.target));
  bar.addEventListener("focusout", (event) => padRoot(event.relatedTarget));
  const placeAt = (target, top) => scrollBy(0, target.getBoundingClientRect().top - top);
  // Events off screen are laid out at an estimated height until drawn (content-visibility), and
  // the browser draws those above the window's top edge too (half a window in Chromium): drawn
  // at their real height after the jump, they would push the target down. So those within a
  // window's height above the target are drawn first; and for a few frames after the jump, unless
  // the reader scrolls, types or clicks, a target that moved all the same is brought back (the
  // browser's scroll anchoring follows such a move only in part).
  function prepareJump(target) {
    fitBar();
    let first = events.length;  // the first event not before the target (events are in page order)
    for (let low = 0; low < first;) {
      const middle = (low + first) >> 1;
      if (events[middle].compareDocumentPosition(target) & Node.DOCUMENT_POSITION_FOLLOWING) low = middle + 1;
      else first = middle;
    }
    const reach = barHeight + innerHeight;
    for (let index = first - 1; index >= 0; index -= 1) {
      events[index].style.contentVisibility = "visible";
      if (target.getBoundingClientRect().top - events[index].getBoundingClientRect().top >= reach) break;
    }
  }
  let placing = null;  // the target of the last jump, kept in place until the reader takes over
  for (const type of ["wheel", "touchstart", "keydown", "mousedown"]) {
    window.addEventListener(type, () => { placing = null; }, { capture: true, passive: true });
  }
  function keepPlaced(target, top = barHeight, frames = 8) {
    placing = target;
    const check = (left) => requestAnimationFrame(() => {
      if (placing !== target) return;
      const end = scrollY >= root.scrollHeight - innerHeight - 1;  // the page ends before the target's place
      if (!end && Math.abs(target.getBoundingClientRect().top - top) > 1) placeAt(target, top);
      if (left > 1) check(left - 1); else placing = null;
    });
    check(frames);
  }
  function jump(target, top = null) {  // by default, to just below the bar
    prepareJump(target);
    placeAt(target, top ?? barHeight);
    keepPlaced(target, top ?? barHeight);
  }
  function targetOf(hash) {  // an event, session or day a link leads to
    let target = null;
    try {
      target = document.getElementById(decodeURIComponent(hash.slice(1)));
    } catch { /* not an address of this page's anchors */ }
    return target?.closest(".dayblock") ? target : null;
  }
  window.addEventListener("hashchange", () => {
    const target = targetOf(location.hash);
    if (!target) return;
    jump(target);
  });

  // ---- time zones ---------------------------------------------------------------------------
  const viewerZone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  $("zone-viewer-name").textContent = viewerZone;
  const times = Array.from(
    document.querySelectorAll("li.event time[data-end], li.continues time[data-end], li.session > p > time"),
  );
  const conferenceText = new Map(times.map((node) => [node, node.textContent]));
  const day = new Intl.DateTimeFormat(undefined, { weekday: "short", day: "numeric", month: "short" });
  const clock = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  const zoneName = new Intl.DateTimeFormat(undefined, { timeZoneName: "short" });
  const zoneAt = (moment) => zoneName.formatToParts(moment).find((part) => part.type === "timeZoneName")?.value || "";
  function viewerSpan(node) {
    const start = new Date(node.dateTime);
    const end = new Date(node.dataset.end);
    const sameDay = day.format(start) === day.format(end);
    const until = sameDay ? clock.format(end) : `${day.format(end)}, ${clock.format(end)}`;
    const [from, to] = [zoneAt(start), zoneAt(end)];  // each end its own across a change of the clocks
    return `${day.format(start)}, ${clock.format(start)}${from === to ? "" : ` ${from}`}–${until} ${to}`;
  }
  // The programme's days are the conference's: in your time an event can fall on another date
  // than the day it is listed under, and the heading of such a day says whose day it is.
  const isoDate = (moment) => [moment.getFullYear(), moment.getMonth() + 1, moment.getDate()]
    .map((part) => String(part).padStart(2, "0")).join("-");
  let dayNotes = null;  // the note of each day with an event on another date in your time
  function notesOfDays() {
    dayNotes ||= days.filter((block) => Array.from(block.querySelectorAll("li.event time[data-end]"))
      .some((node) => isoDate(new Date(node.dateTime)) !== block.dataset.day)).map((block) => {
      const note = document.createElement("span");
      note.className = "muted day-zone";
      note.textContent = ` · the day in ${data.city}`;
      block.querySelector("h3").append(note);
      return note;
    });
    return dayNotes;
  }
  function applyZone(choice) {
    const viewer = choice === "viewer";
    $(viewer ? "zone-viewer" : "zone-conference").checked = true;
    for (const node of times) node.textContent = viewer ? viewerSpan(node) : conferenceText.get(node);
    const notes = viewer ? notesOfDays() : dayNotes || [];
    for (const note of notes) note.hidden = !viewer;
    $("zone-note").textContent = !viewer
      ? `Times are shown in the conference's time zone, ${data.zone}.`
      : notes.length
        ? `Times are shown in your time zone, ${viewerZone}, under the conference's days in ${data.city}: `
          + "an event can fall on another date in your time."
        : `Times are shown in your time zone, ${viewerZone}.`;
  }
  for (const id of ["zone-conference", "zone-viewer"]) {
    $(id).addEventListener("change", (event) => {
      storage.set(zoneKey, event.target.value);
      applyZone(event.target.value);
      if (!$("results").hidden) applyFilters();
      showPicks();
    });
  }

  // What the reader did before this script was ready (early.js): picks, a zone, the controls.
  const early = window.confcalEarly || { picks: new Map(), zone: "" };
  if (early.zone) storage.set(zoneKey, early.zone);
  if ((early.zone || storage.get(zoneKey)) === "viewer") applyZone("viewer");
  for (const [key, picked] of early.picks) {
    if (picked) picks.add(key); else picks.delete(key);
  }
  showShared();
  showPicks();
  if (early.picks.size || (picks.size && location.hash.startsWith("#picks="))) save();
  applyFilters();
  const anchored = targetOf(location.hash);
  if (anchored) jump(anchored);
  document.documentElement.dataset.ready = "true";
  (window.requestIdleCallback || setTimeout)(index);  // the first search need not build it
})();
