from __future__ import annotations

import pytest

from mentionspider.analysis.language import LANGUAGES, detect_language

SAMPLES = {
    "en": "Acme Widgets has been making garden tools for more than twenty years, and the "
          "company says its new hinge is the strongest it has ever sold. We tested it for a"
          " month.",
    "nl": "Acme Widgets maakt al meer dan twintig jaar tuingereedschap en volgens het "
          "bedrijf is de nieuwe scharnier de sterkste die het ooit heeft verkocht. Wij "
          "hebben hem een maand getest.",
    "de": "Acme Widgets stellt seit mehr als zwanzig Jahren Gartenwerkzeuge her, und das "
          "Unternehmen sagt, dass sein neues Scharnier das stärkste ist, das es je verkauft"
          " hat. Wir haben es einen Monat lang getestet.",
    "fr": "Acme Widgets fabrique des outils de jardin depuis plus de vingt ans, et "
          "l'entreprise affirme que sa nouvelle charnière est la plus solide qu'elle ait "
          "jamais vendue. Nous l'avons testée pendant un mois.",
    "es": "Acme Widgets fabrica herramientas de jardín desde hace más de veinte años, y la "
          "empresa dice que su nueva bisagra es la más resistente que ha vendido nunca. La "
          "probamos durante un mes.",
    "it": "Acme Widgets produce attrezzi da giardino da più di vent'anni e l'azienda "
          "afferma che la sua nuova cerniera è la più robusta che abbia mai venduto. "
          "L'abbiamo provata per un mese.",
    "pt": "A Acme Widgets fabrica ferramentas de jardim há mais de vinte anos, e a empresa "
          "diz que a sua nova dobradiça é a mais resistente que já vendeu. Nós a testamos "
          "durante um mês.",
    "sv": "Acme Widgets har tillverkat trädgårdsredskap i mer än tjugo år, och företaget "
          "säger att det nya gångjärnet är det starkaste som det någonsin har sålt. Vi "
          "testade det under en månad.",
    "da": "Acme Widgets har fremstillet haveredskaber i mere end tyve år, og firmaet siger,"
          " at det nye hængsel er det stærkeste, det nogensinde har solgt. Vi testede det i"
          " en måned.",
    "pl": "Acme Widgets produkuje narzędzia ogrodowe od ponad dwudziestu lat, a firma "
          "twierdzi, że jej nowy zawias jest najmocniejszy, jaki kiedykolwiek sprzedała. "
          "Testowaliśmy go przez miesiąc i nie jest zły.",
    "ru": "Acme Widgets производит садовые инструменты уже более двадцати лет, и компания "
          "говорит, что ее новая петля самая прочная из всех, что она когда-либо продавала."
          " Мы испытывали ее в течение месяца, и это было не так просто.",
    "uk": "Acme Widgets виробляє садові інструменти вже понад двадцять років, і компанія "
          "каже, що її нова петля найміцніша з усіх, що вона коли-небудь продавала. Ми "
          "випробовували її протягом місяця, і це було не так просто.",
    "el": "Η Acme Widgets κατασκευάζει εργαλεία κήπου εδώ και είκοσι χρόνια.",
    "ja": "Acme Widgetsは二十年以上にわたって園芸用品を作っています。",
    "ko": "Acme Widgets는 20년 넘게 정원 도구를 만들어 왔습니다.",
    "zh": "Acme Widgets 二十多年来一直在生产园艺工具。",
}
OTHERS = {
    "fi": "Acme Widgets on valmistanut puutarhatyökaluja yli kaksikymmentä vuotta, ja yhtiön "
          "mukaan sen uusi sarana on vahvin, jonka se on koskaan myynyt. Testasimme sitä "
          "kuukauden ajan.",
    "ro": "Acme Widgets produce unelte de grădină de peste douăzeci de ani, iar compania spune "
          "că noua balama este cea mai rezistentă pe care a vândut-o vreodată. Am testat-o "
          "timp de o lună.",
    "no": "Acme Widgets har laget hageredskaper i mer enn tjue år, og selskapet sier at det "
          "nye hengslet er det sterkeste det noen gang har solgt. Vi testet det i en måned.",
}


@pytest.mark.parametrize("lang", sorted({**SAMPLES, **OTHERS}))
def test_paragraph_in_each_language(lang):
    text = {**SAMPLES, **OTHERS}[lang]
    assert detect_language(text) == lang
    assert lang in LANGUAGES


@pytest.mark.parametrize("text", ["", "ok", "Hello world", "Acme Widgets", "Der Spiegel",
                                  "Acme Widgets | Home | Contact | Blog", "12 345 67,8"])
def test_too_short_or_unclear_is_none(text):
    assert detect_language(text) is None


def test_languages_it_does_not_know_are_none_not_a_guess():
    turkish = ("Acme Widgets yirmi yılı aşkın süredir bahçe aletleri üretiyor ve şirket yeni "
               "menteşesinin şimdiye kadar sattığı en sağlam menteşe olduğunu söylüyor.")
    indonesian = ("Acme Widgets telah membuat peralatan kebun selama lebih dari dua puluh tahun, "
                  "dan perusahaan mengatakan engsel barunya adalah yang terkuat.")
    assert detect_language(turkish) is None
    assert detect_language(indonesian) is None


def test_navigation_noise_does_not_hide_an_english_page():
    nav = " ".join(["Home", "Shop", "Blog", "Contact", "Login", "Cart", "FAQ", "Sitemap"] * 5)
    assert detect_language(nav + " " + SAMPLES["en"] + " " + nav) == "en"


def test_latin_brand_names_inside_japanese_text():
    text = "Acme Widgets と PayPal と Google Chrome は便利です。毎日使っています。"
    assert detect_language(text) == "ja"


def test_huge_text_is_sampled():
    assert detect_language(SAMPLES["de"] * 2000) == "de"
