"""Labels and number/date formatting shared by the result page and the PDF.

The languages issue replaces these with Babel and gettext catalogues; until then
headings exist in English and Japanese, and money is shown in yen.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from readiness.core.model import localize

#: Headings and sentences of the plan, in the intern's language; the PDF adds the Japanese
#: heading beside each heading.
LABELS: dict[str, dict[str, str]] = {
    "report_title": {"en": "Business readiness and action plan", "ja": "起業準備度と行動計画"},
    "intern": {"en": "Intern", "ja": "実習生"},
    "organisation": {"en": "Organisation", "ja": "所属機関"},
    "date": {"en": "Date", "ja": "作成日"},
    "questionnaire": {"en": "Questionnaire", "ja": "質問票"},
    "report_id": {"en": "Report", "ja": "レポート番号"},
    "scores": {"en": "Your scores", "ja": "準備度スコア"},
    "chart_title": {"en": "Scores by dimension, 0 to 100", "ja": "分野別スコア（0〜100）"},
    "overall": {"en": "Overall", "ja": "総合"},
    "why": {"en": "Why this score", "ja": "スコアの理由"},
    "plan": {"en": "Your action plan", "ja": "行動計画"},
    "in_japan": {"en": "In Japan", "ja": "日本にいる間"},
    "after_return": {"en": "After return", "ja": "帰国後"},
    "due": {"en": "by", "ja": "期限"},
    "timeline": {"en": "Timeline", "ja": "スケジュール"},
    "savings": {"en": "Savings plan", "ja": "貯金計画"},
    "language": {"en": "Japanese-language target", "ja": "日本語の目標"},
    "resources": {"en": "Programmes and contacts", "ja": "支援プログラムと連絡先"},
    "chosen_because": {"en": "Why", "ja": "理由"},
    "uncertain": {
        "en": "Not confirmed by an official source: please verify.",
        "ja": "公式情報で未確認です。必ずご確認ください。",
    },
    "stale": {
        "en": "Last checked {date}: may be out of date.",
        "ja": "最終確認 {date}：古い可能性があります。",
    },
    "eligibility": {"en": "Who can apply", "ja": "対象"},
    "cost": {"en": "Cost", "ja": "費用"},
    "no_steps": {
        "en": "Nothing urgent here: keep it up.",
        "ja": "急ぐことはありません。この調子で。",
    },
    "page": {"en": "Page", "ja": "ページ"},
    "download": {"en": "Download my plan (PDF)", "ja": "行動計画をダウンロード（PDF）"},
    "capital_needed": {"en": "Capital your business needs", "ja": "事業に必要な資金"},
    "savings_now": {"en": "Savings now", "ja": "現在の貯金"},
    "monthly_saving": {"en": "Saving each month", "ja": "毎月の貯金"},
    "months_left": {"en": "Months until your return", "ja": "帰国までの月数"},
    "debt": {"en": "Debt still to pay", "ja": "残りの借金"},
    "projected": {"en": "Expected savings at return", "ja": "帰国時の貯金見込み"},
    "gap": {"en": "Gap", "ja": "不足額"},
    "savings_unknown": {
        "en": "You have not estimated what your business needs yet: that is the first step.",
        "ja": "事業に必要な資金をまだ見積もっていません。それが最初の一歩です。",
    },
    "savings_covered": {
        "en": "Your savings at return should cover what your business needs.",
        "ja": "帰国時の貯金で、事業に必要な資金をまかなえる見込みです。",
    },
    "savings_close": {
        "en": "Save {extra} more each month ({total} a month in all) "
        "to close the gap by your return.",
        "ja": "毎月あと{extra}（合計で月{total}）貯金すれば、帰国までに不足を解消できます。",
    },
    "savings_loan": {
        "en": "A gap of {gap} is more than saving up to {most} a month can close by your return. "
        "These loans and grants for your country can help:",
        "ja": "不足額{gap}は、月{most}までの貯金では帰国までに解消できません。"
        "次の融資・補助金が役立ちます：",
    },
    "language_goal": {
        "en": "Now: {current}. Next level to aim for: {target}.",
        "ja": "現在：{current}。次の目標：{target}。",
    },
    "language_top": {
        "en": "You have the highest level. Keep using your Japanese.",
        "ja": "最高レベルに合格しています。日本語を使い続けましょう。",
    },
    "language_test_before": {
        "en": "Take the {test} on {date}, before your return.",
        "ja": "帰国前の{date}に{test}を受験しましょう。",
    },
    "language_test_after": {
        "en": "The next {test} you can prepare for is on {date}, after your return: "
        "it is also held abroad.",
        "ja": "準備できる次の{test}は帰国後の{date}です。海外でも受験できます。",
    },
}


def heading(key: str, locale: str, *, bilingual: bool = False) -> str:
    """A heading in the intern's language, with the Japanese one after it when bilingual."""
    text = localize(LABELS[key], locale)
    if bilingual and locale != "ja":
        return f"{text} / {LABELS[key]['ja']}"
    return text


def format_yen(value: float | None) -> str:
    if value is None:
        return "—"
    return f"¥{value:,.0f}"


def format_date(iso: str | None) -> str:
    """ISO dates are unambiguous in every locale this project has; Babel comes later."""
    if not iso:
        return "—"
    return dt.date.fromisoformat(iso).isoformat()


def say(locale: str, key: str, **values: Any) -> str:
    """A sentence from the labels in ``locale`` with named values filled in.

    The pattern is ours (never author or user text), so formatting cannot be abused.
    """
    return localize(LABELS[key], locale).format(**values)


#: Chart colours of the bands, lowest first (the charts also print every number as text).
BAND_FILLS = ("#d64545", "#e8a33d", "#2f9e6a", "#3b82f6", "#7c3aed")


def template_helpers(locale: str, *, bilingual: bool) -> dict[str, Any]:
    """The functions the plan templates call, for one locale (shared with the web pages)."""
    return {
        "band_fills": BAND_FILLS,
        "t": partial(_localize, locale=locale),
        "h": partial(heading, locale=locale, bilingual=bilingual),
        "say": partial(say, locale),
        "yen": format_yen,
        "day": format_date,
    }


def _localize(text: dict[str, str] | None, locale: str) -> str:
    return localize(text, locale)
