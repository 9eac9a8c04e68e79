/*
 * The force question: turn the plain <select> into GOV.UK's accessible-autocomplete
 * (progressive enhancement; without JavaScript the select works as it is).
 * Served by Haven with the npm package, never from a CDN.
 */
(function () {
  'use strict'
  var select = document.querySelector('select[data-haven-autocomplete]')
  if (!select || !window.accessibleAutocomplete) {
    return
  }
  var noResults = select.getAttribute('data-no-results') || 'No results found'
  window.accessibleAutocomplete.enhanceSelectElement({
    selectElement: select,
    defaultValue: '',
    showAllValues: true,
    tNoResults: function () { return noResults }
  })
})()
