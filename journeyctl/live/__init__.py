"""`journeyctl serve`: the workshop report on localhost, reloaded in the browser on each save.

`pages` builds one map's page (the report, or its findings while the map is broken) and the
index of several maps; `site` keeps them current as files change; `reload` is the channel
that tells open pages to reload (versions, server-sent events, the script injected into
served pages); `watch` waits for changes in the maps' folders (watchfiles); `server` answers
HTTP on exactly the site's routes. Imports `core`, `lint`, `render` and `report`.
"""
