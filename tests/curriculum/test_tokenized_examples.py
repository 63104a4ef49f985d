"""tokenize_example and TokenIds against a tokenizer trained on the fly."""

import pytest
from tokenizers import Tokenizer, models, pre_tokenizers
from transformers import PreTrainedTokenizerFast

from coconut.curriculum import build_method, build_sequence, tokenize_example
from coconut.model.tokens import END_LATENT, LATENT, PAUSE, START_LATENT, TokenIds
from coconut.tokenizers.bpe import train_tokenizer

RECORD = {
    "question": "Alex is a wumpus. Every wumpus is a yumpus. Is Alex a yumpus?",
    "steps": ["Alex is a wumpus.", "Every wumpus is a yumpus.", "Alex is a yumpus."],
    "answer": "True",
}


@pytest.fixture(scope="module")
def tokenizer() -> PreTrainedTokenizerFast:
    texts = [RECORD["question"], *RECORD["steps"], "### True", "### False"] * 5
    return train_tokenizer(texts, vocab_size=320)


def test_text_format(tokenizer):
    ex = tokenize_example(RECORD, tokenizer)
    assert tokenizer.decode(ex.question) == RECORD["question"] + "\n"
    assert [tokenizer.decode(s) for s in ex.steps] == [s + "\n" for s in RECORD["steps"]]
    assert ex.answer[-1] == tokenizer.eos_token_id
    assert tokenizer.decode(ex.answer) == "### True<|endoftext|>"


def test_no_steps(tokenizer):
    ex = tokenize_example({**RECORD, "steps": []}, tokenizer)
    assert ex.steps == []


def test_special_ids_from_tokenizer(tokenizer):
    ids = TokenIds.from_tokenizer(tokenizer)
    assert tokenizer.convert_ids_to_tokens([ids.start_latent, ids.latent, ids.end_latent]) == [
        START_LATENT,
        LATENT,
        END_LATENT,
    ]
    assert tokenizer.convert_ids_to_tokens(ids.pause) == PAUSE
    assert ids.eos == tokenizer.eos_token_id


def test_coconut_layout_decodes_to_the_expected_text(tokenizer):
    ex = tokenize_example(RECORD, tokenizer)
    ids = TokenIds.from_tokenizer(tokenizer)
    method = build_method(name="coconut", c_thought=2, max_latent_stage=6)
    seq = build_sequence(ex, 1, method, ids)
    expected = (
        RECORD["question"]
        + "\n<|start-latent|><|latent|><|latent|><|end-latent|>"
        + "Every wumpus is a yumpus.\nAlex is a yumpus.\n### True<|endoftext|>"
    )
    assert tokenizer.decode(seq.input_ids) == expected
    assert tokenizer.decode(seq.input_ids[seq.prompt_len :]) == expected.split("<|end-latent|>")[1]


def test_special_ids_need_the_markers():
    backend = Tokenizer(models.WordLevel({"a": 0, "<eos>": 1}, unk_token="<eos>"))
    backend.pre_tokenizer = pre_tokenizers.Whitespace()
    plain = PreTrainedTokenizerFast(tokenizer_object=backend, eos_token="<eos>")
    with pytest.raises(ValueError, match="add_latent_tokens"):
        TokenIds.from_tokenizer(plain)


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"steps": [], "answer": "1"}, "train.json, example 3: missing field 'question'"),
        ({"question": "q", "answer": "1"}, "example 3: missing field 'steps'"),
        ({"question": "q", "steps": [], "answer": 1}, "example 3: field 'answer' must be a str"),
        ({"question": "q", "steps": "a step", "answer": "1"}, "field 'steps' must be a list"),
        ({"question": "q", "steps": ["a", 2], "answer": "1"}, "field 'steps' must be a list"),
        ({"question": "q", "steps": 3, "answer": "1"}, "field 'steps' must be a list"),
        (["q", [], "1"], "example 3: expected a mapping"),
    ],
)
def test_bad_records_name_source_index_and_field(tokenizer, record, message):
    with pytest.raises(ValueError, match=message):
        tokenize_example(record, tokenizer, index=3, source="train.json")
