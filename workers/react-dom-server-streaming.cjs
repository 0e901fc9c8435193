/**
 * What the Worker bundle gets for `react-dom/server` (wrangler.toml [alias]): the streaming renderer alone.
 * react-dom's own `server.browser.js` also loads the legacy renderer (renderToString & co., ~10 KiB gzipped) only
 * to re-export it; app/entry.server.tsx uses renderToReadableStream and nothing reads the rest. The build is picked
 * as react-dom picks it; a relative path, because react-dom's exports map hides cjs/.
 */
"use strict";
/* global module, process, require -- CommonJS, so that only the chosen build is bundled. */
/* eslint-disable @typescript-eslint/no-require-imports */

module.exports =
  process.env.NODE_ENV === "production"
    ? require("../node_modules/react-dom/cjs/react-dom-server.browser.production.min.js")
    : require("../node_modules/react-dom/cjs/react-dom-server.browser.development.js");
