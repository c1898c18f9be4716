"""Platform popups on the web map: their HTML, the rows the browser builds them from, and their CSS.

The popup itself is built in the browser from the compact platform arrays of
:mod:`gzgeo.pointlayer` (which owns the HTML and the rows, shared with the fast
point layer); this module gathers what the web map needs of it, and the page
CSS both popups and legend use.
"""

from __future__ import annotations

from ..pointlayer import platform_popup_html, platform_rows

__all__ = ["PAGE_CSS", "platform_popup_html", "platform_rows"]

#: CSS of the legend box, the popups and the map's font (CJK fonts first), added once per page.
PAGE_CSS = """
          .gzgeo-legend{background:rgba(255,255,255,.92);padding:6px 9px;border-radius:5px;
            box-shadow:0 0 6px rgba(0,0,0,.3);font:12px/1.45 "Noto Sans CJK SC","Noto Sans SC","Microsoft YaHei",
            "PingFang SC",sans-serif;max-height:60vh;overflow:auto;color:#222}
          .gzgeo-legend h4{margin:2px 0 4px;font-size:13px}
          .gzgeo-legend .sw{display:inline-block;width:14px;height:10px;margin-right:5px;vertical-align:middle}
          .gzgeo-popup{font:12px/1.4 "Noto Sans CJK SC","Microsoft YaHei",sans-serif;min-width:240px}
          .gzgeo-popup th{text-align:left;padding-right:6px;vertical-align:top;white-space:nowrap}
          .gzgeo-estimate{color:#b2182b}
          .leaflet-container{font-family:"Noto Sans CJK SC","Noto Sans SC","Microsoft YaHei",sans-serif}
"""
