/* InnoBridge: the only script of the pages (no inline script: Content-Security-Policy).

   A form with data-confirm="question" asks in the page before it is sent: a modal <dialog> with
   the question, 确定 and 取消 (Escape cancels; focus starts on 取消 so Enter never destroys by
   accident). The browser's own confirm box is never used. */
(function () {
  var approved = null;  // the form whose next submit was confirmed

  function ask(question, onYes) {
    var dialog = document.createElement("dialog");
    dialog.className = "confirm-dialog";
    dialog.setAttribute("aria-labelledby", "confirm-question");
    var text = document.createElement("p");
    text.id = "confirm-question";
    text.textContent = question;
    var actions = document.createElement("div");
    actions.className = "actions";
    var no = document.createElement("button");
    no.type = "button";
    no.className = "confirm-no";
    no.textContent = "取消";
    var yes = document.createElement("button");
    yes.type = "button";
    yes.className = "primary danger confirm-yes";
    yes.textContent = "确定";
    actions.appendChild(no);
    actions.appendChild(yes);
    dialog.appendChild(text);
    dialog.appendChild(actions);
    document.body.appendChild(dialog);
    no.addEventListener("click", function () { dialog.close(); });
    yes.addEventListener("click", function () { dialog.close("yes"); });
    dialog.addEventListener("close", function () {
      var said = dialog.returnValue === "yes";
      dialog.remove();
      if (said) { onYes(); }
    });
    dialog.showModal();
    no.focus();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form && form.getAttribute && form.getAttribute("data-confirm");
    if (!question) { return; }
    if (approved === form) { approved = null; return; }  // confirmed: let it go
    event.preventDefault();
    var submitter = event.submitter || null;
    ask(question, function () {
      approved = form;
      if (form.requestSubmit) { form.requestSubmit(submitter); } else { form.submit(); }
    });
  }, true);
})();

/* The quality meter beside the demand and result forms (templates/_quality.html). A moment after
   the writer stops typing, the form's fields go to its data-quality-url (the check the server ran
   to render the panel) and the panel shows the score and hints that come back; the score line is
   a polite live region, rewritten only when it changes. A hint's link moves the focus to its
   field. Without script the panel keeps what the page came with. */
(function () {
  var DELAY_MS = 500;

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function labelOf(form, name) {
    var base = String(name).split(".")[0];
    var label = form.querySelector('label[for="' + base + '"]');
    var target = document.getElementById(base);
    var fieldset = target && target.closest ? target.closest("fieldset") : null;
    var legend = fieldset ? fieldset.querySelector("legend") : null;
    var text = label ? label.textContent : (legend ? legend.textContent : base);
    return text.split("（")[0].trim();
  }

  function problem(panel, message, items, short) {
    var box = panel.querySelector("[data-quality-problem]");
    var peek = document.querySelector("[data-quality-peek]");
    box.textContent = "";
    box.hidden = !message;
    panel.classList.toggle("quality-stale", Boolean(message));  // the score shown is an earlier one
    if (!message) { return; }
    if (peek) { peek.textContent = (panel.getAttribute("data-quality-noun") || "") + "完善度：" + short + " ↓"; }
    box.appendChild(element("p", "", message));
    if (items && items.length) {
      var list = element("ul");
      items.forEach(function (text) { list.appendChild(element("li", "", text)); });
      box.appendChild(list);
    }
  }

  function render(panel, form, quality) {
    var line = document.createDocumentFragment();
    line.appendChild(element("strong", "quality-number", String(quality.score)));
    line.appendChild(element("span", "muted", " / 100"));
    line.appendChild(document.createTextNode(" "));
    line.appendChild(element("span", "badge band-" + quality.band, quality.band_label));
    line.appendChild(document.createTextNode(" "));
    line.appendChild(element("span", "muted small",
      quality.hints.length ? "· " + quality.hints.length + " 条建议" : "· 没有待补充的内容"));
    var score = panel.querySelector("[data-quality-score]");
    if (score.textContent.replace(/\s+/g, "") !== line.textContent.replace(/\s+/g, "")) {
      score.textContent = "";
      score.appendChild(line);
    }
    problem(panel, null);
    var peek = document.querySelector("[data-quality-peek]");
    if (peek) {
      peek.textContent = (panel.getAttribute("data-quality-noun") || "") + "完善度 ";
      peek.appendChild(element("strong", "", String(quality.score)));
      peek.appendChild(document.createTextNode("/100 "));
      peek.appendChild(element("span", "badge band-" + quality.band, quality.band_label));
      peek.appendChild(element("span", "quality-peek-more",
        quality.hints.length ? "查看 " + quality.hints.length + " 条建议 ↓" : "查看 ↓"));
    }
    var bar = panel.querySelector("[data-quality-bar]");
    bar.className = "w-" + Math.max(0, Math.min(100, quality.score)) + " band-" + quality.band;
    var list = panel.querySelector("[data-quality-hints]");
    list.textContent = "";
    quality.hints.forEach(function (hint) {
      var item = element("li");
      item.setAttribute("data-code", hint.code);
      item.appendChild(element("span", "gain", "+" + hint.gain));
      item.appendChild(document.createTextNode(" "));
      item.appendChild(element("span", "hint-text", hint.message));
      item.appendChild(document.createTextNode(" "));
      var jump = element("a", "hint-jump", "转到“" + labelOf(form, hint.field) + "”");
      jump.href = "#" + hint.field;
      jump.setAttribute("data-quality-jump", hint.field);
      item.appendChild(jump);
      list.appendChild(item);
    });
  }

  function invalid(panel, form, error) {
    var fields = error.fields || {};
    problem(panel, "以下内容格式有误，修正后评分继续更新：", Object.keys(fields).map(function (name) {
      return labelOf(form, name) + "：" + fields[name];
    }), "有内容需先修正");
  }

  function attach(form) {
    var panel = document.getElementById(form.getAttribute("data-quality-panel"));
    if (!panel || !window.fetch || !window.FormData) { return; }
    var timer = null;
    var latest = 0;

    function check() {
      var ticket = ++latest;
      var token = form.querySelector("input[name=csrf_token]");
      fetch(form.getAttribute("data-quality-url"), {
        method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: {"Accept": "application/json", "X-CSRFToken": token ? token.value : ""}
      }).then(function (response) {
        var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
        return (json ? response.json() : Promise.resolve(null)).then(function (body) {
          return {status: response.status, body: body};
        });
      }).then(function (answer) {
        if (ticket !== latest) { return; }  // a newer check is on its way
        if (answer.status === 200 && answer.body) {
          render(panel, form, answer.body);
        } else if (answer.status === 422 && answer.body && answer.body.error) {
          invalid(panel, form, answer.body.error);
        } else {
          problem(panel, "评分暂时无法更新（登录可能已过期，请刷新页面）；保存表单不受影响。", null, "暂时无法更新");
        }
      }).catch(function () {
        if (ticket === latest) { problem(panel, "评分暂时无法更新（网络问题）；保存表单不受影响。", null, "暂时无法更新"); }
      });
    }

    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(check, DELAY_MS);
    }
    form.addEventListener("input", later);
    form.addEventListener("change", later);
  }

  document.addEventListener("click", function (event) {
    var jump = event.target && event.target.closest ? event.target.closest("[data-quality-jump]") : null;
    var target = jump ? document.getElementById(jump.getAttribute("data-quality-jump")) : null;
    if (!target) { return; }
    var fields = "input, textarea, select";
    var focusable = target.matches(fields) ? target : target.querySelector(fields);
    if (!focusable) { return; }
    event.preventDefault();
    focusable.scrollIntoView({block: "center"});
    focusable.focus({preventScroll: true});
  });

  Array.prototype.forEach.call(document.querySelectorAll("form[data-quality-url]"), attach);
})();
