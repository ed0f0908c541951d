"""English posts (issue 10): language detection, English sentiment and stance, snownlp left empty
for non-Chinese posts, English keywords, and the English gold set (once labelled).

The English texts are real Reddit and Discourse replies (tests/gold/en-replies/, provenance in its
README); the Chinese ones the seed thread in samples/.
"""

from __future__ import annotations

import json
from collections import Counter
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest

from threadscope import load_thread
from threadscope.keywords import extract_keywords
from threadscope.nlp import english
from threadscope.nlp.evaluate import _item_thread, evaluate_items, format_report, read_items
from threadscope.nlp.language import detect_language, detect_languages, snownlp_note
from threadscope.nlp.scorers import DEFAULT_SCORERS, SCORE_COLUMNS, score_thread
from threadscope.nlp.stance import StanceInput

ROOT = Path(__file__).resolve().parent.parent
ITEMS = ROOT / "tests" / "gold" / "en-replies" / "batch-en.items.jsonl"
EN_GOLD = ROOT / "tests" / "gold" / "en-replies.json"
SEED = ROOT / "samples" / "thread-agi-empire.md"
#: Just under what the English scorers measure on the dev split of the English gold set (356 replies
#: of 40 threads, both labelling rounds; docs/languages.md): sentiment 0.567 macro-F1 (forum VADER by
#: sentence, rules and bands chosen on train; the round-1 version measured 0.530 on this dev split),
#: stance 0.469 (was 0.459). These floors are the issue's targets (0.55 / 0.45).
EN_SENTIMENT_F1 = 0.55
EN_STANCE_F1 = 0.45


def _items() -> list[dict]:
    return [json.loads(line) for line in ITEMS.read_text(encoding="utf-8").splitlines()]


def _thread_of(key: str):
    return _item_thread(key, [item for item in _items() if item["id"].startswith(key + "#")])


def test_vader_lexicon_ships_in_its_wheel() -> None:
    # no download at run time: the lexicon is package data of vaderSentiment
    lexicon = resources.files("vaderSentiment").joinpath("vader_lexicon.txt")
    assert lexicon.is_file() and "\t" in lexicon.read_text(encoding="utf-8")[:2000]


def test_real_english_replies_are_english() -> None:
    items = _items()
    assert len(items) >= 260
    languages = Counter(detect_languages([item["text"] for item in items]))
    # one reply of 288 is a joke made of "something" and Latin loanwords (reddit n49rw #191)
    assert languages["en"] >= 0.99 * len(items), languages


def test_chinese_posts_are_chinese_and_short_posts_follow_the_thread() -> None:
    thread = load_thread([SEED])
    assert set(detect_languages([p.text for p in thread.posts])) == {"zh"}
    assert detect_language("lol") is None and detect_language("+1") is None
    assert detect_languages(["lol", "I think you are right about this one"]) == ["en", "en"]
    assert detect_languages(["lol", "这也太烂了吧，谁想出来的"]) == ["zh", "zh"]
    assert detect_language("アミティエ・フローリアン？？ GOD？？？？？") == "other"  # s1-text 1336720 #1593


def test_seed_scores_are_unchanged_by_the_language_scorer() -> None:
    """Chinese posts keep today's scorers: with the language scorer first (the default set) every
    score column of the seed thread equals the old default set's (sentiment, stance, snownlp)."""
    thread = load_thread([SEED])
    new = score_thread(thread)
    old = score_thread(thread, scorers=["sentiment", "stance", "snownlp"])
    assert DEFAULT_SCORERS[0] == "language" and list(new.columns[:len(SCORE_COLUMNS)]) == list(SCORE_COLUMNS)
    assert set(new["language"].dropna()) == {"zh"} and new.attrs["notes"] == []
    columns = [c for c in old.columns if c != "language"]
    pd.testing.assert_frame_equal(new[columns], old[columns])
    assert new["snownlp"].notna().sum() == old["snownlp"].notna().sum() > 30


def test_english_thread_scores_and_snownlp_note() -> None:
    thread, targets = _thread_of("reddit/n49rw")
    frame = score_thread(thread, targets=targets)
    english_rows = frame[frame["language"] == "en"]
    assert len(english_rows) >= 0.95 * len(frame)
    assert english_rows["snownlp"].isna().all()
    assert frame.attrs["notes"] == [snownlp_note(frame["language"])]
    expected = f"snownlp reads Chinese only: {len(english_rows)} English posts"
    assert frame.attrs["notes"][0].startswith(expected)
    assert english_rows["sentiment_score"].between(-1, 1).all()
    assert set(english_rows["sentiment"]) == {"neg", "neu", "pos"}
    by_floor = frame.set_index("floor")
    # floor 2k answers 2k-1; real replies of the thread, with their VADER compound
    texts = {p.floor: p.text for p in thread.posts}
    for floor, text in texts.items():
        if text.startswith("Nah, moot is cool"):  # n49rw #290: a "nah" verdict, pos tone
            assert by_floor.loc[floor, "stance"] == "disagree"
            assert by_floor.loc[floor, "sentiment"] == "pos"


@pytest.mark.parametrize(("text", "target", "label"), [
    ("This, exactly this please", "Make polls work on old reddit", "agree"),  # reddit fo7p5b #192
    ("Yes, I agree.\nI think this is also visible in some really notable Olympic winners",
     "Women's sport exists because of the physical differences.", "agree"),  # discourse 2108 #73
    ("No. Dystopia means:\nWe the Living is set in communist Russia.", "It's kind of a dystopia", "disagree"),
    ("No, it works.  Ffffuuccckkkk.  Now back to restoring files.", "Is it down again?", "neutral"),
    ("Fair point, but the numbers say otherwise", "Most people never vote in polls", "disagree"),
    ("Source?", "Polls were made by the admins to collect data", "neutral"),
    ("It's not a bug, it's how they rank comments", "This is a bug in the new layout", "disagree"),
    ("That's not true, it came out in 2015.", "It came out in 2017", "disagree"),
    ("Wouldn't the false data caused by people randomly selecting an option be an issue?",
     "Polls give you data", "neutral"),  # reddit fo7p5b #4: "false" inside a question
    # round 2 train replies (reddit 57dw9a, fo7p5b; discourse 2108): forms added to the cue file
    ("nooo Chris! Team Valor!", "Team Mystic is the best team", "disagree"),
    ("Tell that to the traffic stats of most subs these days.", "Nobody uses old reddit", "disagree"),
    ("this person gets it. It's all about data collection.", "This is about selling data", "agree"),
    ("You’re probably right. I have some personal second hand experience", "It is rare", "agree"),
    ("noon works for me", "When should we meet?", "neutral"),
])
def test_english_stance_cues(text: str, target: str, label: str) -> None:
    result = english.stance_of(StanceInput(text=text, target_text=target, sentiment=0.0,
                                           target_sentiment=0.0))
    assert result.label == label, result


@pytest.mark.parametrize(("text", "label"), [
    # train items of tests/gold/en-replies.json that plain VADER (|compound| < 0.5 neu) got wrong
    ("So, my app crashes instantly when I try voting...", "neg"),  # fo7p5b #245: "crashes" added
    ("Tried to vote on this poll and crashed the Android app", "neg"),  # fo7p5b #457
    ("The lack of response means I probably will never use this feature, unfortunately. "
     "I'm an exclusive Reddit is Fun user", "neg"),  # fo7p5b #104: the opening sentence sets the tone
    ("Firefox pocket does this pretty well, fyi", "neu"),  # fo7p5b #142: "pretty", "well" out
    ("Banger quote here! Don’t think I’ve made that connection before.", "pos"),  # 2108 #50
    ("Alright, makes sense. Thanks!", "pos"),  # urho3d 133 #5: thanks (the guideline's pos)
    ("Thanks mate.\nI never saw that coming. That will teach me to mess around with xml files manually "
     "and not use the editor .", "pos"),  # urho3d 4777 #3: thanks not diluted by the sentences after
    ("I think the problem was that I forgot to check the URHO3D_64BIT option. Doh.", "neu"),  # 1146 #5
    ("Well done! An interesting concept.", "pos"),  # urho3d 1974 #3: "well" is out, "well done" praise
    ("Too much awesome...should have sent a poet.", "pos"),  # 57dw9a #79: glued ellipsis
    ("Yes, I agree.", "neu"),  # agreement is stance, not tone (the guideline)
    ("lol", "neu"),  # laughter alone: the guideline's 哈哈 is neu
])
def test_english_sentiment_forum_rules(text: str, label: str) -> None:
    assert english.score_sentiment([text])[0][0] == label


def test_questions_are_damped_and_thanks_to_is_not_thanks() -> None:
    # discourse 2108 #54 (train): a question keeps half of its compound
    question, statement = "Why does that worry you?", "That does worry you."
    assert english.sentence_compound(question) == pytest.approx(
        english.QUESTION_DAMPING * english.sentence_compound(statement), abs=1e-9)
    assert not english.GRATITUDE_RE.match("Thanks to the new layout it crashes")
    assert not english.GRATITUDE_RE.match("Oh thank god I thought nobody was going to acknowledge it")
    assert english.GRATITUDE_RE.match("ok thx")


def test_english_sentiment_sarcasm_and_quotes() -> None:
    assert english.score_sentiment(["Great job!"])[0][0] == "pos"
    # praise closing a post that is not positive reads as sarcasm (the form of reddit fo7p5b #395)
    assert english.score_sentiment(["They broke the app again.\n\ngreat job!"])[0][0] == "neg"
    assert english.score_sentiment(["Yeah right, that will surely help /s"])[0][0] == "neg"
    # a Reddit quote line is the parent's words, not the author's
    assert english.score_sentiment(["> this is awful and stupid\nIt came out in 2015."])[0][0] == "neu"
    label, score, confidence = english.score_sentiment([""])[0]
    assert (label, score) == ("neu", 0.0) and confidence == 1.0


def test_swearing_is_emphasis_in_praise_and_negative_when_aimed() -> None:
    # round 2 train replies of r/IAmA 57dw9a (#89, #84): swearing that emphasises praise
    assert english.score_sentiment(["what the shit, this AMA is too perfect...."])[0][0] == "pos"
    assert english.score_sentiment(["You are just too fucking nice, also go Mystic"])[0][0] == "pos"
    assert english.score_sentiment(["Fuck you"])[0][0] == "neg"
    assert english.without_emphatic_swearing("Damn, this is awful") == "Damn, this is awful"


def test_forum_lexicon_changes_vader_only_in_our_instance() -> None:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    changes = english.forum_lexicon()
    assert changes["lol"] == 0 and changes["crashes"] < 0 and changes["banger"] > 0
    assert "lol" not in english._vader().lexicon and "lol" in SentimentIntensityAnalyzer().lexicon
    # emoji: laughter carries no tone (as "lol"), eye-rolling is annoyance
    assert english.forum_emoji()["\U0001F602"] == "" and english.forum_emoji()["\U0001F644"] == "annoyed"
    assert [row[0] for row in english.score_sentiment(["\U0001F602", "Sure \U0001F644"])] == ["neu", "neg"]


def test_english_keywords_leave_stop_words_out() -> None:
    thread, _ = _thread_of("reddit/fo7p5b")
    frame = pd.DataFrame({"floor": [p.floor for p in thread.posts], "text": [p.text for p in thread.posts]})
    keywords = extract_keywords(frame, top=15)
    assert keywords.language == "en"
    terms = [t.lower() for t in keywords.overall["term"]]
    # r/announcements "Introducing Reddit Polls": the replies talk about reddit, new and old reddit
    assert terms[0] == "reddit" and {"new", "old"} <= set(terms)
    assert not {"the", "and", "you", "that", "this", "just", "don't"} & set(terms)


def test_items_gold_reads_and_scores(tmp_path: Path) -> None:
    items = [dict(item, sentiment="neu", stance="neutral") for item in _items()[:20]]
    gold = tmp_path / "mini.json"
    gold.write_text(json.dumps({"items": items}), encoding="utf-8")
    assert len(read_items(gold, split="train")) == sum(i["split"] == "train" for i in items)
    result = evaluate_items(gold, split=None, snownlp=False)
    assert len(result.sentiment) == len(result.stance) == 20
    assert "mini.json (all: 20 items" in format_report(result)


@pytest.mark.skipif(not EN_GOLD.exists(), reason="tests/gold/en-replies.json (the labelled English "
                    "replies) is not there yet: the lead merges two annotators' labels of "
                    "batch-en.items.jsonl into it")
def test_english_gold_dev_floors() -> None:
    metrics = evaluate_items(EN_GOLD, split="dev", snownlp=False).metrics()
    print(json.dumps(metrics, indent=1))
    assert metrics["sentiment"]["macro_f1"] >= EN_SENTIMENT_F1
    assert metrics["stance"]["macro_f1"] >= EN_STANCE_F1
