// The search boxes of the header and the home page. Without JavaScript they
// go to the API's results page; with it, to the search page, which answers
// as the citizen types and whose address can be shared.
for (const form of document.querySelectorAll('form[data-search-page]')) {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const q = form.elements.q.value.trim();
    location.assign(form.dataset.searchPage + (q ? '?' + new URLSearchParams({ q }) : ''));
  });
}
