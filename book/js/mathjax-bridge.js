// ipywidgets' HTML manager typesets widget labels through MathJax 2's
// MathJax.Hub.Queue; the book and the decks load MathJax 3, which has typesetPromise
// instead. Without this bridge every widget label throws "reading 'Queue'".
(function () {
  function bridge() {
    var mathjax = window.MathJax;
    if (mathjax && !mathjax.Hub) {
      mathjax.Hub = {
        Queue: function (job) {
          var node = Array.isArray(job) ? job[2] : undefined;
          var current = window.MathJax;
          if (current && current.typesetPromise) {
            current.typesetPromise(node ? [node] : undefined).catch(function () {});
          }
        }
      };
    }
  }
  bridge();  // MathJax 3's configuration object, before MathJax replaces it
  document.addEventListener("DOMContentLoaded", bridge);
  window.addEventListener("load", bridge);  // registered before the widget manager's
})();
