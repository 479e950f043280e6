"""Shared fixtures: a tiny labelled corpus, the seed page, the shipped model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED_PAGE = ROOT / "data" / "seed" / "page-2024-hitech-zones.txt"
SEED_SET = ROOT / "data" / "themes" / "seed.jsonl"

# Small enough to read at a glance, varied enough for 3-fold threshold search.
TINY = [
    ("开发区招商小分队赴深圳开展招商活动，走访企业12家。", ["investment"]),
    ("新签约亿元以上项目8个，总投资额56亿元。", ["investment"]),
    ("园区举办新能源产业招商推介会，现场签约项目5个。", ["investment"]),
    ("高新区围绕锂电产业链开展链式招商，引进配套企业6家。", ["investment"]),
    ("经开区设立产业引导基金，以基金招商撬动社会资本。", ["investment"]),
    ("招商局驻点上海，叩门招商，洽谈在谈项目20个。", ["investment"]),
    ("高新区出台人才新政，对引进的高层次人才给予安家补贴。", ["talent"]),
    ("园区人才公寓投入使用，首批200名青年人才拎包入住。", ["talent"]),
    ("开发区举办高校毕业生专场招聘会，提供岗位1200个。", ["talent"]),
    ("校企合作开设订单班，为园区企业培养技能人才。", ["talent"]),
    ("高新区引进双创团队3个、双创博士5名。", ["talent"]),
    ("开展职业技能培训，全年培训产业工人3000人次。", ["talent"]),
    ("高新区围绕科技招商引进人才团队项目12个，一个人才带来一个项目。", ["investment", "talent"]),
    ("招商与引才同步推进，签约项目8个，引进博士团队4个。", ["investment", "talent"]),
    ("今年一季度园区规上工业增加值增长8.5%。", []),
    ("该企业研发的新型电池能量密度提升20%。", []),
    ("园区开展安全生产大检查，排查隐患56处。", []),
    ("高新区党工委召开理论学习中心组会议。", []),
    ("园区新建道路3条，雨污管网全面贯通。", []),
    ("新产品下线仪式在园区企业车间举行。", []),
    ("湿地公园完成生态修复，水质达到三类标准。", []),
    ("全区地区生产总值完成420亿元。", []),
]


@pytest.fixture(scope="session")
def tiny_corpus() -> tuple[list[str], list[list[str]]]:
    return [t for t, _ in TINY], [l for _, l in TINY]


@pytest.fixture(scope="session")
def seed_page_text() -> str:
    return SEED_PAGE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_set() -> list[dict]:
    return [json.loads(line) for line in SEED_SET.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def shipped_model():
    import zonenlp

    return zonenlp.load()


@pytest.fixture(scope="session")
def tiny_model(tiny_corpus):
    from zonenlp import ThemeClassifier

    texts, labels = tiny_corpus
    # A fixed threshold: 22 texts are too few for thresholds chosen by
    # cross-validation to be stable (test_classifier tests that path itself).
    return ThemeClassifier(threshold=0.5, label_order=("investment", "talent")).fit(texts, labels)
