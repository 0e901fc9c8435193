import apps from "./apps.json";
import bots from "./bots.json";
import browsers from "./browsers.json";
import devices from "./devices.json";
import libraries from "./libraries.json";

/**
 * The lists as modules, for Node (tests, scripts). The Worker's copy of this module is null (wrangler.toml [alias],
 * ~16 KiB gzipped less): it fetches the same files from its static assets (loadUserAgentLists).
 */
export const bundledLists = { apps, bots, browsers, devices, libraries };
