// What tests/test_browser.py asserts on, read from the page Chromium rendered, after its
// script ran and with real text measurement: one JSON value.
(() => {
  const text = (e) => (e ? e.textContent.replace(/\s+/g, " ").trim() : "");
  const box = (e) => {
    const r = e.getBBox();
    return { x: r.x, y: r.y, width: r.width, height: r.height };
  };
  // half a pixel of tolerance: neighbours that only touch do not overlap
  const overlap = (a, b) =>
    a.x < b.x + b.width - 0.5 && b.x < a.x + a.width - 0.5 &&
    a.y < b.y + b.height - 0.5 && b.y < a.y + a.height - 0.5;

  const summary = [...document.querySelectorAll("#summary tbody tr")].map((tr) => {
    const link = tr.querySelector("td:nth-child(2) a");
    const href = link ? link.getAttribute("href") : "";
    return {
      result: text(tr.querySelector(".badge")),
      name: text(link),
      href,
      target: href.startsWith("#") && document.getElementById(href.slice(1)) ? href.slice(1) : null,
    };
  });

  const links = [...document.querySelectorAll('a[href^="#"]')].map((a) => a.getAttribute("href"));
  const broken = [...new Set(links.filter((h) => !document.getElementById(h.slice(1))))];

  const timelines = [...document.querySelectorAll("svg.tl")].map((svg) => {
    const texts = [...svg.querySelectorAll("text")];
    const overlaps = [];
    for (let i = 0; i < texts.length; i++)
      for (let j = i + 1; j < texts.length; j++)
        if (overlap(box(texts[i]), box(texts[j]))) overlaps.push(`${text(texts[i])} / ${text(texts[j])}`);
    const rows = [...svg.querySelectorAll("g.row")].map((g) => {
      const label = g.querySelector("text");
      // the row's label must leave its mark, bar, tick or arrow visible
      for (const shape of g.querySelectorAll("path, rect:not(.h)"))
        if (overlap(box(label), box(shape))) overlaps.push(`${text(label)} / its ${shape.tagName}`);
      return { label: text(label), title: text(g.querySelector(":scope > title")) };
    });
    const legend = svg.nextElementSibling;
    return {
      section: svg.closest("section") ? svg.closest("section").id : null,
      ticks: [...svg.querySelectorAll("text.tick")].map(text),
      edges: [...svg.querySelectorAll("text.end:not(.far)")].map(text),
      rows,
      marks: svg.querySelectorAll("g.row path, g.row rect:not(.h)").length,
      legend: legend && legend.matches("p.legend") && legend.offsetHeight > 0 ? text(legend) : "",
      overlaps,
    };
  });

  const cells = [...document.querySelectorAll("td[data-c]")];
  const unfilled = cells
    .filter((td) => {
      const clause = document.querySelector(`#c${td.dataset.c} .t`);
      return !clause || text(td) === "" || text(td) !== text(clause);
    })
    .map((td) => td.dataset.c);

  const sections = [...document.querySelectorAll("section[id^='s-']")].map((s) => ({
    id: s.id,
    timeline: !!s.querySelector("svg.tl") || /No dated reports/.test(text(s)),
    readings: [...s.querySelectorAll("h3")].some((h) => text(h) === "Readings"),
    readingRows: s.querySelectorAll("h3 + p + table tbody tr").length,
    conflicts: [...s.querySelectorAll("p b")].filter((b) => /^Conflict \d+:$/.test(text(b))).length,
  }));

  // what sticks out past the window's right edge, which a reader would have to scroll to
  const width = document.documentElement.clientWidth;
  const wide = [...document.body.querySelectorAll("*")]
    .filter((e) => e.getBoundingClientRect().right > width + 1 && !e.closest("svg"))
    .map((e) => `${e.closest("section") ? e.closest("section").id + " " : ""}${e.tagName}: ${text(e).slice(0, 80)}`);

  return { title: document.title, width, scrollWidth: document.documentElement.scrollWidth, wide: wide.slice(-5), summary, links: links.length, broken, timelines, cells: cells.length, unfilled, sections };
})()
