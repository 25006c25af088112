// Minimal engine module for rdf-test-suite.
//
// The SPARQL 1.1 Protocol and Service Description tests talk to an already
// running HTTP endpoint whose URL is passed with `-i '{"protocolEndpoint": ...}'`
// or `-i '{"serviceDescriptionEndpoint": ...}'`, so the runner never calls the
// engine for these tests. The runner still requires an engine module, so this
// one only rejects any attempt to evaluate queries in-process.
'use strict';

function unsupported() {
  return Promise.reject(new Error('This engine only points the runner at a running HTTP endpoint'));
}

module.exports = {
  parse: unsupported,
  query: unsupported,
  update: unsupported,
};
