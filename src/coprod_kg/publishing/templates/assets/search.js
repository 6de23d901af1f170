/* coprod-kg search: the index built with the site (assets/search-index.js) queried by
   lunr.js in the browser; works from file:// and any static host. Every word typed must
   match (a word also matches the words it begins: "admission" finds "admissions"); a word
   written -word must not (lunr's syntax; +word is the same as word). */
(function () {
  "use strict";
  var data = window.COPROD_KG_SEARCH;
  var input = document.getElementById("search-q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  if (!data || !window.lunr || !input || !status || !list) {
    return;
  }
  if (!data.index) {
    status.textContent = "There is nothing to search: the site has no case studies yet.";
    return;
  }
  var index = lunr.Index.load(data.index);

  // The words of the text as the index holds them: lower case, trimmed, stop words
  // dropped, stemmed ("admissions" -> "admiss"), each once.
  function terms(text) {
    var stems = [];
    lunr.tokenizer(text).forEach(function (token) {
      var trimmed = lunr.trimmer(token);
      if (!trimmed.toString() || !lunr.stopWordFilter(trimmed)) {
        return;
      }
      index.pipeline.runString(trimmed.toString()).forEach(function (stem) {
        if (stems.indexOf(stem) < 0) {
          stems.push(stem);
        }
      });
    });
    return stems;
  }

  // The words typed, each with its presence: -word must not match, every other word must.
  function clauses(text) {
    var found = [];
    text.split(/\s+/).forEach(function (word) {
      var prohibited = word.length > 1 && word.charAt(0) === "-";
      if (word.length > 1 && (prohibited || word.charAt(0) === "+")) {
        word = word.slice(1);
      }
      terms(word).forEach(function (stem) {
        found.push({ stem: stem, prohibited: prohibited });
      });
    });
    return found;
  }

  // Every word must match, as a whole word or as the start of one; whole words rank higher.
  function search(wanted) {
    return index.query(function (query) {
      wanted.forEach(function (clause) {
        if (clause.prohibited) {
          query.term(clause.stem, {
            usePipeline: false,
            presence: lunr.Query.presence.PROHIBITED,
            wildcard: lunr.Query.wildcard.TRAILING
          });
          return;
        }
        query.term(clause.stem, {
          usePipeline: false,
          presence: lunr.Query.presence.REQUIRED,
          wildcard: lunr.Query.wildcard.TRAILING
        });
        query.term(clause.stem, { usePipeline: false, boost: 10 });
      });
    });
  }

  function item(result) {
    var doc = data.documents[Number(result.ref)];
    var li = document.createElement("li");
    var link = document.createElement("a");
    link.href = doc.url;
    link.textContent = doc.title;
    var where = document.createElement("span");
    where.className = "search-kind";
    where.textContent = doc.context ? doc.kind + " · " + doc.context : doc.kind;
    li.append(link, " ", where);
    if (doc.excerpt) {
      var excerpt = document.createElement("p");
      excerpt.textContent = doc.excerpt;
      li.append(excerpt);
    }
    if (doc.note) {
      var note = document.createElement("p");
      note.className = "search-note";
      note.textContent = doc.note;
      li.append(note);
    }
    return li;
  }

  var text = new URLSearchParams(window.location.search).get("q") || "";
  input.value = text;
  if (!text.trim()) {
    return;
  }
  var wanted = clauses(text);
  if (!/[A-Za-z0-9]/.test(text)) {
    status.textContent = "Type a word to search for: \u201c" + text + "\u201d has none.";
    return;
  }
  if (!wanted.length) {
    status.textContent = "\u201c" + text + "\u201d has only common words, which the search skips.";
    return;
  }
  if (wanted.every(function (clause) { return clause.prohibited; })) {
    status.textContent = "Type a word to find as well as the words to leave out (-word).";
    return;
  }
  var results = search(wanted);
  list.replaceChildren.apply(list, results.map(item));
  status.textContent = results.length === 0
    ? "Nothing found for \u201c" + text + "\u201d."
    : results.length + (results.length === 1 ? " result" : " results") +
      " for \u201c" + text + "\u201d.";
}());
