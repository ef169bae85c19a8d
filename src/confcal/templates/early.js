// The page's first script, in its head (base.html): the controls that need a script are shown
// at once (page.css), but page.js comes after the whole programme and on a slow connection is
// ready many seconds later. Until then a ☆ Pick shows at once and is kept for it, as is a
// choice of time zone; Enter in the search box, which would reload the page, does nothing
// (page.js applies what is typed and chosen in the controls when it starts).
document.documentElement.className = "js";
window.confcalEarly = { picks: new Map(), zone: "" };
(() => {
  const early = window.confcalEarly;
  const waiting = () => document.documentElement.dataset.ready !== "true";
  document.addEventListener("click", (event) => {
    const star = waiting() && event.target.closest("button.star");
    if (!star) return;
    const li = star.closest("[data-key]");
    const picked = star.getAttribute("aria-pressed") !== "true";
    star.setAttribute("aria-pressed", String(picked));
    li.classList.toggle("picked", picked);
    early.picks.set(li.dataset.key, picked);
  });
  document.addEventListener("change", (event) => {
    if (waiting() && event.target.name === "zone") early.zone = event.target.value;
  });
  document.addEventListener("submit", (event) => {
    if (waiting()) event.preventDefault();
  });
})();
