"""A tokenizer that picks a blank spaCy pipeline per message language, with lemmas where available.

One multilingual Rasa model serves six languages, but Rasa's SpacyNLP loads a single spaCy model. This
tokenizer instead holds one blank pipeline per language (built by scripts/build_spacy.py: each
language's own tokenizer rules plus spacy-lookups-data's lemma table where one exists), detects the
language of each message and tokenizes with that pipeline. A token's `lemma` is spaCy's lookup lemma;
for languages spaCy has no lemma table for (Arabic, Persian) it is the Snowball stem, which strips the
clitics and suffixes that otherwise make every Arabic word form a separate feature (measured:
docs/measurements/classifiers.md). Arabic-script tokens are normalised (diacritics, tatweel and letter
variants) so that Arabic and Persian spellings of a word meet.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from components.lemmas import LemmaTable
from wegweiser.content import default_language, language_codes
from wegweiser.nlu.language import DETECT_CHARS, DETECTION_KEY, Detection, detect, detection_output, dominant_script, prepare
from wegweiser.paths import PROJECT_ROOT
from wegweiser.nlu.words import normalise_arabic_script  # noqa: F401 (re-exported for the components)



#: Snowball stemmer names of the languages whose spaCy pipeline has no lemma table
_SNOWBALL_NAMES = {"ar": "arabic", "fa": "persian", "de": "german", "en": "english", "ru": "russian",
                   "tr": "turkish"}


def stemmer_for(code: str):
    """The Snowball stemmer for a language code, or None when Snowball has none (the word stays)."""
    import snowballstemmer

    name = _SNOWBALL_NAMES.get(code)
    return snowballstemmer.stemmer(name) if name in snowballstemmer.algorithms() else None


#: how many (language, word) lemmas the tokenizer remembers
LEMMA_CACHE = 2**14


@lru_cache(maxsize=256)
def _detect(text: str) -> Optional[Detection]:
    """detect(), remembered for the last texts: tokenizing a message and passing its language on to the
    action server (DETECTION_KEY) ask for the same text."""
    return detect(text)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class MultilingualSpacyTokenizer(Tokenizer):
    """Tokenizes each message with the blank spaCy pipeline of its language."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "models_dir": ".build/spacy",
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
        }

    @staticmethod
    def required_packages() -> List[Text]:
        return ["spacy"]

    def __init__(self, config: Dict[Text, Any]) -> None:
        super().__init__(config)
        import spacy

        folder = Path(config["models_dir"])
        if not folder.is_absolute():
            folder = PROJECT_ROOT / folder
        self._pipelines = {}
        self._lemmas: Dict[str, LemmaTable] = {}
        for code in language_codes():
            path = folder / code
            if not path.exists():
                raise FileNotFoundError(f"{path} is missing: run `make setup` to build the spaCy pipelines")
            self._pipelines[code] = spacy.load(path)
            table = LemmaTable.load(path)
            if table is not None:
                self._lemmas[code] = table
        self._stemmers = {code: stemmer_for(code) for code in self._pipelines if code not in self._lemmas}
        self._default = default_language()
        # the same word recurs in most messages ("ich", "the", "?"): its lemma is worked out once (table
        # lookup, script check, Snowball stem were ~40 % of the tokenizer's time); a bounded cache, ~4 MB
        self._lemma = lru_cache(maxsize=LEMMA_CACHE)(self._word_lemma)
        prepare()  # lingua's detectors now, not on the first message of each script

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "MultilingualSpacyTokenizer":
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        """Tokenizes, and passes on each message's language in the parse result (DETECTION_KEY): the action
        server sets the conversation's language from it instead of running lingua a second time."""
        messages = super().process(messages)
        for message in messages:
            text = message.get(TEXT)
            if isinstance(text, str) and text:
                text = text[:DETECT_CHARS]
                message.set(DETECTION_KEY, detection_output(_detect(text), text), add_to_output=True)
        return messages

    def _language_of(self, text: str) -> str:
        detection = _detect(text)
        if detection and detection.language in self._pipelines:
            return detection.language
        script, _ = dominant_script(text)
        for code, nlp in self._pipelines.items():
            if script == "Arab" and code in ("ar", "fa"):
                return code
        return self._default

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        text = message.get(attribute)
        if not text:
            return []
        language = self._language_of(text)
        nlp = self._pipelines[language]
        doc = nlp(text)
        tokens = [Token(t.text, t.idx, lemma=self._lemma(language, t.text)) for t in doc if t.text.strip()]
        return self._apply_token_pattern(tokens)

    def _word_lemma(self, language: str, word: str) -> str:
        """A word's lemma: the language's lookup table, Arabic-script normalisation, the Snowball stem."""
        table = self._lemmas.get(language)
        lemma = (table.lemma(word) if table is not None else word).lower()
        if dominant_script(word)[0] == "Arab":
            lemma = normalise_arabic_script(lemma)
        stemmer = self._stemmers.get(language)
        if stemmer is not None:
            lemma = stemmer.stemWord(lemma) or lemma
        return lemma
