// Counts one view of the article on this page. A beacon, not the page request itself, so pages
// stay cacheable and link prefetchers or crawlers that never run scripts are not counted.
(function () {
  var article = document.querySelector('article[data-article-id]');
  if (!article || !navigator.sendBeacon) return;
  if (document.visibilityState === 'prerender') return;
  navigator.sendBeacon('/articles/' + article.getAttribute('data-article-id') + '/view');
})();
