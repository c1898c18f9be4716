"""Streamlit app: Guangzhou's innovation layout on one offline Folium map.

UI only: data, analysis and map building live in the gzgeo library.
"""

from pathlib import Path

import streamlit as st
from streamlit_folium import st_folium

import gzgeo
from gzgeo.offline import write_static_assets

st.set_page_config(page_title="广州科技创新空间布局 gzgeo", layout="wide")


@st.cache_resource
def _serve_assets() -> Path:
    # Streamlit serves <app dir>/static at /app/static (enableStaticServing).
    return write_static_assets(Path(__file__).parent / "static" / "vendor")


@st.cache_data
def _platforms():
    return gzgeo.load("platforms")


_serve_assets()
platforms = _platforms()

st.title("广州科技创新空间布局")
st.caption("一区三城 · 黄埔“123”布局 · “1+1+4+4+N”/“1+1+3+N”平台体系 — 空心虚线圆圈表示位置为估计")

fmap = gzgeo.layout_map(platforms=platforms, offline="static")
st_folium(fmap, height=640, use_container_width=True, returned_objects=[], key="layout-map")
st.metric("平台数量 Platforms", len(platforms))
