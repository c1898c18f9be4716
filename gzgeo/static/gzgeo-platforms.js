/* gzgeo platform layer: compact typed arrays in, supercluster index per category, canvas circles out.
 *
 * The payload is two blobs made by gzgeo.pointlayer, gzip'ed when large, written as pack7 text (gzgeo/packtext.py:
 * 7 bits per character below U+0080; U+0100 + 128 * k + g stands for the unsafe group UNSAFE[k] then the group g;
 * U+0800 + k for an unsafe last group alone):
 *   binary: int32 lat (microdegrees, delta-coded) and int32 lon (microdegrees) as four byte planes, a Uint8
 *           estimate flag, then one Uint8 code array per dictionary-coded popup field, then per key of
 *           `stems` a Uint8 stem code and an int32 trailing number (four byte planes, -1: none);
 *   table:  JSON {n, fields: [[label, kind, key]...], dicts: {key: [values]}, strings: {key: [values]},
 *           stems: {key: [stem values]}, estimate: word, sep: source separator}.
 * No data string is ever parsed as HTML: tooltips and popups are DOM nodes filled with textContent.
 * Needs Leaflet and Supercluster; a gzip'ed payload needs DecompressionStream (Chromium 80, Firefox 113,
 * Safari 16.4); without it the map says so instead of showing no platforms silently.
 */
(function () {
    if (window.gzgeoPlatforms) return;

    var UNSAFE = [0x00, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x22, 0x26, 0x27, 0x3C, 0x5C, 0x60];

    function unpack7(text) {
        var len = text.length, bits = 0, i, c;
        for (i = 0; i < len; i++) {
            c = text.charCodeAt(i);
            bits += (c >= 0x100 && c < 0x800) ? 14 : 7;
        }
        var out = new Uint8Array(bits >> 3), n = out.length, acc = 0, nb = 0, o = 0;
        for (i = 0; i < len; i++) {
            c = text.charCodeAt(i);
            if (c < 0x80) {
                acc = (acc << 7) | c;
            } else if (c < 0x800) {
                c -= 0x100;
                acc = (acc << 7) | UNSAFE[c >> 7];
                nb += 7;
                if (nb >= 8) { nb -= 8; out[o++] = (acc >> nb) & 255; }
                acc = ((acc & ((1 << nb) - 1)) << 7) | (c & 127);
            } else {
                acc = (acc << 7) | UNSAFE[c - 0x800];
            }
            nb += 7;
            if (nb >= 8) { nb -= 8; if (o < n) out[o++] = (acc >> nb) & 255; }
            acc &= (1 << nb) - 1;
        }
        return out;
    }

    var MISSING = "此浏览器无法解压平台数据，请用新版 Chrome、Edge、Firefox 或 Safari 打开。"
        + " This browser cannot unpack the platform data: open the map in a current Chrome, Edge, Firefox or Safari.";

    function inflate(text, gzip) {
        var bytes = unpack7(text);
        if (!gzip) return Promise.resolve(bytes.buffer);
        if (typeof DecompressionStream === "undefined") return Promise.reject(new Error(MISSING));
        var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
        return new Response(stream).arrayBuffer();
    }

    function decode(binary, table, gzip) {
        return Promise.all([inflate(binary, gzip), inflate(table, gzip)]).then(function (parts) {
            var meta = JSON.parse(new TextDecoder().decode(parts[1])), n = meta.n, buf = parts[0];
            // 2n int32 values (lat deltas, then lon) as four byte planes, lowest byte first.
            var bytes = new Uint8Array(buf, 0, 8 * n), m = 2 * n;
            var lat = new Float64Array(n), lon = new Float64Array(n), acc = 0;
            function int(k) {
                return bytes[k] | (bytes[m + k] << 8) | (bytes[2 * m + k] << 16) | (bytes[3 * m + k] << 24);
            }
            for (var i = 0; i < n; i++) {
                acc += int(i);
                lat[i] = acc / 1e6;
                lon[i] = int(n + i) / 1e6;
            }
            var offset = 8 * n, codes = {};
            var est = new Uint8Array(buf, offset, n);
            offset += n;
            meta.coded.forEach(function (key) {
                codes[key] = new Uint8Array(buf, offset, n);
                offset += n;
            });
            // Names split into a stem code (Uint8) and a trailing number (int32 byte planes, -1: none).
            Object.keys(meta.stems || {}).forEach(function (key) {
                var stem = new Uint8Array(buf, offset, n), planes = new Uint8Array(buf, offset + n, 4 * n);
                var stems = meta.stems[key], out = new Array(n);
                for (var k = 0; k < n; k++) {
                    var num = planes[k] | (planes[n + k] << 8) | (planes[2 * n + k] << 16) | (planes[3 * n + k] << 24);
                    out[k] = num >= 0 ? stems[stem[k]] + num : stems[stem[k]];
                }
                meta.strings[key] = out;
                offset += 5 * n;
            });
            return {n: n, lat: lat, lon: lon, est: est, codes: codes, meta: meta};
        });
    }

    // One message per map when the data cannot be decoded (a DOM text node: no markup).
    function showFailure(map, error) {
        if (!map || map._gzgeoFailure) return;
        var box = L.control({position: "topright"});
        box.onAdd = function () {
            var div = el("div", String(error && error.message || error), "gzgeo-platforms-error");
            div.style.cssText = "background:#fff3cd;border:1px solid #c9a227;padding:6px 8px;max-width:320px;"
                + "font:13px sans-serif;color:#333";
            return div;
        };
        box.addTo(map);
        map._gzgeoFailure = box;
    }

    function value(data, field, i) {
        var kind = field[1], key = field[2];
        if (kind === "code") return data.meta.dicts[key][data.codes[key][i]];
        return data.meta.strings[key][i];
    }

    function el(tag, text, cls) {
        var node = document.createElement(tag);
        if (text !== undefined) node.textContent = text;
        if (cls) node.className = cls;
        return node;
    }

    // A location source may cite web pages and public datasets: each http(s) URL becomes a link named by its host,
    // each "repo owner/name path [@ commit]" a link to that file on GitHub (gzgeo.orientation.source_links is the
    // same rule in Python). Links are built as DOM nodes (the href is only ever an https URL, never script).
    var SOURCE_RE = new RegExp("(https?://[^\\s;,|()<>\"'\uff0c\uff1b]+)|\\brepo ([A-Za-z0-9][\\w.-]*/[\\w.-]+) " +
        "([^\\s;,|()<>\"'\uff0c\uff1b]+)(?: ?@ ?([0-9a-f]{7,40}))?", "g");
    var GITHUB = "https://github.com/";  // a link target, never loaded: the map stays offline

    function linkify(td, text) {
        var last = 0, match;
        SOURCE_RE.lastIndex = 0;
        while ((match = SOURCE_RE.exec(text)) !== null) {
            td.appendChild(document.createTextNode(text.slice(last, match.index)));
            var a = el("a");
            if (match[1]) {
                a.href = match[1];
                try { a.textContent = new URL(match[1]).hostname || match[1]; } catch (e) { a.textContent = match[1]; }
            } else {
                a.href = GITHUB + match[2] + "/blob/" + (match[4] || "HEAD") + "/" +
                    encodeURI(match[3]).replace(/[?#]/g, encodeURIComponent);
                a.textContent = "github.com/" + match[2] + ": " + match[3];
            }
            a.target = "_blank";
            a.rel = "noopener noreferrer";
            td.appendChild(a);
            last = match.index + match[0].length;
        }
        td.appendChild(document.createTextNode(text.slice(last)));
    }

    // The payload carries the names of the map's language; the other language's only where that one is missing.
    function names(data, i) {
        var strings = data.meta.strings, out = [];
        ["name_zh", "name_en"].forEach(function (key) {
            if (strings[key] && strings[key][i]) out.push(strings[key][i]);
        });
        return out;
    }

    function tooltip(data, i) {
        return el("span", names(data, i).join(" · "));
    }

    function popup(data, i) {
        var box = el("div", undefined, "gzgeo-popup"), rows = el("table"), both = names(data, i);
        box.appendChild(el("b", both[0] || ""));
        if (both.length > 1) {
            box.appendChild(el("br"));
            box.appendChild(el("i", both[1]));
        }
        data.meta.fields.forEach(function (field) {
            var tr = el("tr"), td = el("td"), text = value(data, field, i);
            tr.appendChild(el("th", field[0]));
            if (field[2] === "location_precision" && data.est[i]) {
                td.appendChild(el("b", text + " — " + data.meta.estimate, "gzgeo-estimate"));
            } else if (field[2] === "location_source") {
                linkify(td, text);
            } else if (field[2] === "sources") {
                text.split(data.meta.sep).forEach(function (line, k) {
                    if (k) td.appendChild(el("br"));
                    td.appendChild(document.createTextNode(line));
                });
            } else {
                td.textContent = text;
            }
            tr.appendChild(td);
            rows.appendChild(tr);
        });
        box.appendChild(rows);
        return box;
    }

    function clusterIcon(n, color) {
        var size = n < 10 ? 26 : (n < 100 ? 32 : (n < 1000 ? 38 : 44));
        var div = el("div", String(n));
        div.style.cssText = "width:" + size + "px;height:" + size + "px;line-height:" + size + "px;background:"
            + color + ";border:2px solid #fff;border-radius:50%;color:#fff;font:bold 12px sans-serif;"
            + "text-align:center;box-shadow:0 0 3px rgba(0,0,0,.5)";
        return L.divIcon({html: div, className: "gzgeo-cluster", iconSize: L.point(size, size)});
    }

    var Layer = L.Layer.extend({
        // options: start, end (rows of this category), color (#rrggbb, checked by gzgeo), maxZoom (last
        // clustered zoom), radius (cluster radius, px)
        initialize: function (dataPromise, options) {
            L.setOptions(this, options);
            this.gzgeoPlatforms = true;
            this._ready = false;
            this._drawn = {clusters: 0, clustered: 0, points: 0};
            var self = this;
            this._loaded = dataPromise.then(function (data) {
                var features = new Array(options.end - options.start);
                for (var i = options.start; i < options.end; i++) {
                    // supercluster keeps only the geometry, properties and id of its input: the id is the row.
                    features[i - options.start] = {type: "Feature", id: i, properties: null,
                        geometry: {type: "Point", coordinates: [data.lon[i], data.lat[i]]}};
                }
                self._data = data;
                self._index = new Supercluster({radius: options.radius, extent: 256, maxZoom: options.maxZoom,
                                                minPoints: 2}).load(features);
                self._ready = true;
                if (self._map) self._redraw();
                return self;
            }, function (error) {
                self._error = error;
                showFailure(self._map, error);
            });
        },
        // Platforms in this layer (clustered or not, in view or not), or -1 while the data are decoded.
        size: function () { return this._ready ? this.options.end - this.options.start : -1; },
        // What the last redraw put on the map: cluster icons, the platforms inside them, single markers.
        drawn: function () { return this._drawn; },
        onAdd: function (map) {
            this._group = L.layerGroup().addTo(map);
            map.on("moveend", this._redraw, this);
            if (this._error) showFailure(map, this._error);
            if (this._ready) this._redraw();
        },
        onRemove: function (map) {
            map.off("moveend", this._redraw, this);
            map.removeLayer(this._group);
            this._group = null;
        },
        _redraw: function () {
            if (!this._ready || !this._map || !this._group) return;
            var map = this._map, b = map.getBounds().pad(0.25), zoom = Math.floor(map.getZoom());
            var west = Math.max(-180, b.getWest()), east = Math.min(180, b.getEast());
            var items = this._index.getClusters([west, Math.max(-85, b.getSouth()), east, Math.min(85, b.getNorth())],
                                                zoom);
            var color = this.options.color, data = this._data, index = this._index, group = this._group;
            var drawn = {clusters: 0, clustered: 0, points: 0};
            group.clearLayers();
            for (var k = 0; k < items.length; k++) {
                var item = items[k], ll = [item.geometry.coordinates[1], item.geometry.coordinates[0]];
                if (item.properties && item.properties.cluster) {
                    var marker = L.marker(ll, {icon: clusterIcon(item.properties.point_count, color)});
                    marker.on("click", (function (id, at) {
                        return function () { map.setView(at, Math.min(index.getClusterExpansionZoom(id), map.getMaxZoom())); };
                    })(item.properties.cluster_id, ll));
                    group.addLayer(marker);
                    drawn.clusters += 1;
                    drawn.clustered += item.properties.point_count;
                } else {
                    var i = item.id, est = data.est[i] === 1;
                    ll = [data.lat[i], data.lon[i]];
                    var circle = L.circleMarker(ll, {
                        radius: est ? 9 : 6, color: color, weight: 2, fill: true, fillColor: color,
                        fillOpacity: est ? 0.06 : 0.85, dashArray: est ? "4 3" : null, gzgeoIndex: i});
                    circle.bindTooltip(tooltip(data, i));
                    circle.bindPopup((function (row) { return function () { return popup(data, row); }; })(i),
                                     {maxWidth: 380});
                    group.addLayer(circle);
                    drawn.points += 1;
                }
            }
            this._drawn = drawn;
        }
    });

    window.gzgeoPlatforms = {decode: decode, unpack7: unpack7, Layer: Layer, popup: popup, tooltip: tooltip};
})();
