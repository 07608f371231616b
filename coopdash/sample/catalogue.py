"""Generate the SYNTHETIC catalogue sample: every member's MARC exports, one file per year of membership.

So the contribution pages (records contributed, original or enhanced, by CLC class,
language and local-document share, over time) can be tried without anyone's
catalogue. Each member exports the records it created (its agency code in MARC 21
040 $a, UNIMARC 801 #0 $b) and those it enhanced (040 $d, 801 #2), in the formats
and encodings importers meet: MARC 21 in UTF-8, MARCXML, MARC-8 with EACC, CNMARC.
A handful of records are broken on purpose, as in real exports. Output is
reproducible: one seed, one random stream per member, year and purpose.
"""

from __future__ import annotations

import calendar
import shutil
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from random import Random

from coopdash.registry import Library, Registry
from coopdash.sample import SYNTHETIC_RECORD_NOTE
from coopdash.sample.marc_files import Field, control, datafield, iso2709, marc8, marcxml, utf8
from coopdash.sample.timeline import FIRST_YEAR, LAST_YEAR, SEED, first_usage_month

MARC_DIR = "marc"

# --- how much each member catalogues --------------------------------------------------------

ORIGINALS_PER_MONTH = 1.6  # new records of a city library in FIRST_YEAR
SCALE_BY_LEVEL = {"province": 2.6}
RAMP_UP_MONTHS = 24  # a new member reaches its full cataloguing output this long after joining
# Month factors, January first: the Spring Festival, October's Golden Week, the year-end push.
SEASON = (0.95, 0.6, 1.0, 1.05, 1.0, 1.0, 0.95, 0.9, 1.05, 0.8, 1.1, 1.25)
ENHANCED_PER_ORIGINAL = (0.08, 0.16)  # records a member enhances, per record it creates
NON_MEMBER_SOURCE = 0.15  # share of enhanced records that came from outside the consortium
ENHANCEMENT_LOOKBACK_DAYS = 3 * 365  # how old a non-member record can be when a member enhances it
LOCAL_SHARE = {"province": (0.30, 0.40)}  # share of local documents, else (0.35, 0.55)
LANGUAGES = (("chi", 0.86), ("eng", 0.08), ("jpn", 0.02), ("kor", 0.015), ("fre", 0.0125), ("ger", 0.0125))
PARALLEL_SHARE = {"worldcat": 0.35, "local": 0.10}  # CJK records catalogued in English with 880s
TRANSCRIBED_SHARE = 0.12  # CNMARC originals with an 801 #1 line
AGENCYLESS_FILES = 4  # local MARC 21 exports with a record or two lacking 040 $a
# Agencies outside the consortium whose records members enhance: (code, UNIMARC 801 $a, language).
# DLC is the Library of Congress's real MARC code; the CN-SYN- codes are invented.
NON_MEMBER_AGENCIES = (("DLC", "US", "eng"), ("CN-SYN-BJ", "CN", "chi"), ("CN-SYN-SH", "CN", "chi"))
FIRST_OCLC_NUMBER = 9_000_000_001  # far above any real OCLC number
SWITCH_TO_WORLDCAT_YEAR = 2021  # members that exported CNMARC move to OCLC's MARC 21 exports
MARCXML_FROM_YEAR = 2023

# --- what the records describe (titles, names and publishers are invented) --------------------


@dataclass(frozen=True)
class Region:
    """A member's city (or the province) as titles and subject headings name it."""

    name: str  # 杭州
    roman: str  # Hangzhou
    division: str  # 杭州市
    division_roman: str  # Hangzhou shi
    heading_en: str  # Hangzhou (China)
    subdivision_en: str  # Hangzhou (in 650 $z after China)


DIVISION_ROMAN = {"市": "shi", "省": "sheng"}


def region_of(library: Library) -> Region:
    """The place a member's local documents are about: its city_zh and city_en from the registry."""
    division = library.city_zh or library.name_zh
    name = division[:-1] if division[-1:] in DIVISION_ROMAN else division
    roman = (library.city_en or library.name_en).split(" (")[0]
    suffix = DIVISION_ROMAN.get(division[-1:], "")
    division_roman = f"{roman} {suffix}".strip()
    plain = f"{roman} Sheng" if library.level == "province" else roman
    return Region(name, roman, division, division_roman, f"{plain} (China)", plain)


@dataclass(frozen=True)
class Place:
    name: str  # as printed: 杭州, New York
    roman: str
    country: str  # MARC 21 008/15-17
    iso_country: str  # UNIMARC 102 $a
    publisher: str
    publisher_roman: str = ""
    locality: str = ""  # UNIMARC 102 $b, the administrative division code

    @property
    def publisher_romanised(self) -> str:
        return self.publisher_roman or self.publisher


def chinese_place(name: str, roman: str, locality: str) -> Place:
    return Place(name, roman, "cc ", "CN", f"{name}示例出版社", f"{roman} shi li chu ban she", locality)


# Places of publication outside the region: (name, romanised, division code, share of local
# documents, share of other Chinese books); the rest are published in the member cities. Most
# other books come from elsewhere, since a book published in the region counts as local too.
OTHER_CHINESE_PLACES = (
    ("北京", "Beijing", "110000", 0.10, 0.45),
    ("上海", "Shanghai", "310000", 0.05, 0.25),
    ("南京", "Nanjing", "320100", 0.0, 0.08),
    ("广州", "Guangzhou", "440100", 0.0, 0.06),
    ("武汉", "Wuhan", "420100", 0.0, 0.06),
)
FOREIGN_PLACES = {
    "eng": (
        Place("New York", "New York", "nyu", "US", "Synthetic Academic Press"),
        Place("London", "London", "enk", "GB", "Synthetic Regional Press"),
        Place("Singapore", "Singapore", "si ", "SG", "Synthetic Academic Press"),
    ),
    "jpn": (Place("東京", "Tōkyō", "ja ", "JP", "見本出版", "Mihon Shuppan"),),
    "kor": (Place("서울", "Sŏul", "ko ", "KR", "견본출판사", "Kyŏnbon Ch'ulp'ansa"),),
    "fre": (Place("Paris", "Paris", "fr ", "FR", "Éditions Exemplaires"),),
    "ger": (Place("Berlin", "Berlin", "gw ", "DE", "Beispiel Verlag"),),
}
ISBN_GROUP = {"chi": "7", "eng": "1", "jpn": "4", "kor": "89", "fre": "2", "ger": "3"}


@dataclass(frozen=True)
class Topic:
    """A subject: title words, CLC class, subject headings, and the aspect of a place heading."""

    words: str
    roman: str
    clc: str
    subject: str  # Chinese (650 #7 $2 cct, 606)
    subject_en: str  # English (650 #0)
    aspect: str = "地方史"  # 651 $x / 607 $x under the place
    aspect_en: str = "History"


LOCAL_TOPICS = (
    Topic("运河文化", "yun he wen hua", "K928.42", "运河", "Canals", "文化史", "Civilization"),
    Topic("越剧", "Yue ju", "I236.55", "越剧", "Yue opera", "文化", "Civilization"),
    Topic("越剧舞台艺术", "Yue ju wu tai yi shu", "J825.55", "越剧", "Yue opera", "文化", "Civilization"),
    Topic("戏曲", "xi qu", "I207.3", "地方戏", "Chinese drama", "文化", "Civilization"),
    Topic("宋韵文化", "Song yun wen hua", "K295.5", "文化史", "Civilization", "宋代", "History"),
    Topic("良渚文化", "Liangzhu wen hua", "K871.13", "良渚文化", "Liangzhu culture", "考古", "Antiquities"),
    Topic("西湖", "Xi Hu", "K928.43", "西湖", "West Lake (China)", "概况", "Description and travel"),
    Topic("龙泉青瓷", "Longquan qing ci", "K876.3", "青瓷", "Celadon ware", "考古", "Antiquities"),
    Topic("畲族民俗", "She zu min su", "K892.455", "畲族", "She (Chinese people)", "风俗习惯",
          "Social life and customs"),
    Topic("海洋渔业", "hai yang yu ye", "F326.4", "海洋渔业", "Fisheries", "经济", "Economic conditions"),
    Topic("经济社会发展", "jing ji she hui fa zhan", "F127.55", "区域经济发展", "Economic development",
          "经济", "Economic conditions"),
    Topic("历史文化名人", "li shi wen hua ming ren", "K820.855", "名人", "Biography", "人物", "Biography"),
    Topic("非物质文化遗产", "fei wu zhi wen hua yi chan", "G127.55", "非物质文化遗产",
          "Intangible cultural heritage", "文化", "Civilization"),
    Topic("古村落", "gu cun luo", "K928.5", "村落", "Villages", "概况", "Description and travel"),
    Topic("方言", "fang yan", "H173", "吴语", "Wu dialects", "语言", "Languages"),
    Topic("图书馆事业", "tu shu guan shi ye", "G259.275.5", "图书馆事业", "Libraries", "文化", "Civilization"),
    Topic("茶文化", "cha wen hua", "TS971.21", "茶文化", "Tea", "风俗习惯", "Social life and customs"),
    Topic("地方史", "di fang shi", "K295.5", "地方史", "Local history"),
)  # fmt: skip
FORMS = (
    ("史话", "shi hua"), ("研究", "yan jiu"), ("图志", "tu zhi"), ("文献汇编", "wen xian hui bian"),
    ("论集", "lun ji"), ("概览", "gai lan"), ("口述史", "kou shu shi"), ("图录", "tu lu"),
    ("百年", "bai nian"), ("丛考", "cong kao"),
)  # fmt: skip
GAZETTEER = Topic("志", "zhi", "K295.5", "地方志", "Gazetteers")
YEARBOOK = Topic("年鉴", "nian jian", "Z525.5", "年鉴", "Yearbooks", "概况", "Statistics")
SERIAL_LOCAL_SHARE = 0.2  # local documents that are a gazetteer volume or a yearbook
GENERAL_TOPICS = (
    Topic("马克思主义基本原理十讲", "Makesi zhu yi ji ben yuan li shi jiang", "A81", "马克思主义", "Marxism"),
    Topic("中国哲学简史", "Zhongguo zhe xue jian shi", "B2", "哲学史", "Philosophy, Chinese"),
    Topic("社会调查方法", "She hui diao cha fang fa", "C915", "社会调查", "Social surveys"),
    Topic("基层社会治理研究", "Ji ceng she hui zhi li yan jiu", "D630", "社会管理", "Local government"),
    Topic("中国古代兵法", "Zhongguo gu dai bing fa", "E892", "兵法", "Military art and science"),
    Topic("数字经济概论", "Shu zi jing ji gai lun", "F49", "数字经济", "Electronic commerce"),
    Topic("全民阅读推广", "Quan min yue du tui guang", "G252.17", "读书活动", "Reading promotion"),
    Topic("公共图书馆服务规范", "Gong gong tu shu guan fu wu gui fan", "G258.2", "公共图书馆", "Public libraries"),
    Topic("现代汉语语法", "Xian dai Han yu yu fa", "H146", "现代汉语", "Chinese language"),
    Topic("唐诗三百首新注", "Tang shi san bai shou xin zhu", "I222.742", "唐诗", "Chinese poetry"),
    Topic("中国古典小说选", "Zhongguo gu dian xiao shuo xuan", "I242", "古典小说", "Chinese fiction"),
    Topic("中国书法史", "Zhongguo shu fa shi", "J292", "书法", "Calligraphy, Chinese"),
    Topic("中国通史", "Zhongguo tong shi", "K20", "中国历史", "China"),
    Topic("科学技术史话", "Ke xue ji shu shi hua", "N09", "科学技术", "Science"),
    Topic("高等数学", "Gao deng shu xue", "O13", "高等数学", "Mathematics"),
    Topic("气候变化与海平面", "Qi hou bian hua yu hai ping mian", "P467", "气候变化", "Climatic changes"),
    Topic("植物图鉴", "Zhi wu tu jian", "Q94", "植物", "Plants"),
    Topic("中医养生", "Zhong yi yang sheng", "R212", "养生", "Medicine, Chinese"),
    Topic("茶树栽培技术", "Cha shu zai pei ji shu", "S571.1", "茶树", "Tea"),
    Topic("人工智能导论", "Ren gong zhi neng dao lun", "TP18", "人工智能", "Artificial intelligence"),
    Topic("城市轨道交通", "Cheng shi gui dao jiao tong", "U239.5", "城市铁路", "Local transit"),
    Topic("航天科普", "Hang tian ke pu", "V4", "航天", "Astronautics"),
    Topic("生态环境保护", "Sheng tai huan jing bao hu", "X171", "生态环境", "Environmental protection"),
    Topic("中国丛书综录", "Zhongguo cong shu zong lu", "Z83", "丛书", "Monographic series"),
)  # fmt: skip

TOPICS = {topic.words: topic for topic in LOCAL_TOPICS + GENERAL_TOPICS}


@dataclass(frozen=True)
class ForeignTitle:
    """A title in another language; '{place}' stands for a member city's English name."""

    language: str
    title: str
    roman: str  # romanised title of a CJK-script title, else ""
    topic: Topic
    local: bool


FOREIGN_TITLES = (
    ForeignTitle("eng", "The Grand Canal and {place}", "", TOPICS["运河文化"], True),
    ForeignTitle("eng", "Yue opera in {place}", "", TOPICS["越剧"], True),
    ForeignTitle("eng", "A cultural history of {place}", "", TOPICS["宋韵文化"], True),
    ForeignTitle("eng", "Fishing communities of the {place} coast", "", TOPICS["海洋渔业"], True),
    ForeignTitle("eng", "Libraries and local knowledge in {place}", "", TOPICS["图书馆事业"], True),
    ForeignTitle("eng", "Celadon and the kilns of Longquan", "", TOPICS["龙泉青瓷"], True),
    ForeignTitle("eng", "Introduction to data science", "", Topic("", "", "TP274", "数据处理", "Data mining"), False),
    ForeignTitle("eng", "Public libraries and their communities", "", TOPICS["公共图书馆服务规范"], False),
    ForeignTitle("eng", "A short history of China", "", TOPICS["中国通史"], False),
    ForeignTitle("eng", "Climate and the sea", "", TOPICS["气候变化与海平面"], False),
    ForeignTitle("jpn", "宋代江南の都市と文化", "Sōdai Kōnan no toshi to bunka", TOPICS["宋韵文化"], True),
    ForeignTitle("jpn", "龍泉窯青磁の研究", "Ryūsen'yō seiji no kenkyū", TOPICS["龙泉青瓷"], True),
    ForeignTitle("jpn", "中国の公共図書館", "Chūgoku no kōkyō toshokan", TOPICS["公共图书馆服务规范"], False),
    ForeignTitle("kor", "중국 강남 문화 기행", "Chungguk Kangnam munhwa kihaeng", TOPICS["古村落"], True),
    ForeignTitle("kor", "도서관 협력의 미래", "Tosŏgwan hyŏmnyŏk ŭi mirae", TOPICS["公共图书馆服务规范"], False),
    ForeignTitle("fre", "Les céladons de Longquan", "", TOPICS["龙泉青瓷"], True),
    ForeignTitle("fre", "Bibliothèques publiques en Chine", "", TOPICS["公共图书馆服务规范"], False),
    ForeignTitle("ger", "Der Kaiserkanal: Geschichte einer Wasserstraße", "", TOPICS["运河文化"], True),
)  # fmt: skip
NONFILING = {"The ": 4, "A ": 2, "Les ": 4, "Der ": 4}  # 245 second indicator


@dataclass(frozen=True)
class Person:
    name: str  # heading form: 王建国, Smith, Anna
    roman: str  # romanised heading: Wang, Jianguo
    pinyin: str = ""  # CNMARC $A: wang jian guo


SURNAMES = (
    ("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("陈", "Chen"), ("吴", "Wu"), ("周", "Zhou"),
    ("徐", "Xu"), ("沈", "Shen"), ("钱", "Qian"), ("孙", "Sun"), ("朱", "Zhu"), ("胡", "Hu"),
    ("金", "Jin"), ("叶", "Ye"), ("潘", "Pan"), ("杨", "Yang"), ("黄", "Huang"), ("何", "He"),
)  # fmt: skip
GIVEN_NAMES = (
    ("明", "ming"), ("华", "hua"), ("文静", "wen jing"), ("建国", "jian guo"), ("晓峰", "xiao feng"),
    ("丽", "li"), ("伟", "wei"), ("海涛", "hai tao"), ("松", "song"), ("雪梅", "xue mei"),
    ("春华", "chun hua"), ("平", "ping"), ("婷", "ting"), ("志远", "zhi yuan"), ("一鸣", "yi ming"),
    ("嘉怡", "jia yi"),
)  # fmt: skip
# Statement of responsibility after a Chinese name: (Chinese, romanised).
ROLES = ((("著", "zhu"), 0.7), (("主编", "zhu bian"), 0.2), (("编著", "bian zhu"), 0.1))
FOREIGN_AUTHORS = {
    "eng": (Person("Smith, Anna", "Smith, Anna"), Person("Clarke, David", "Clarke, David"),
            Person("Lee, Grace", "Lee, Grace")),
    "jpn": (Person("山田太郎", "Yamada, Tarō"), Person("佐藤花子", "Satō, Hanako")),
    "kor": (Person("김민수", "Kim, Min-su"),),
    "fre": (Person("Martin, Claire", "Martin, Claire"),),
    "ger": (Person("Müller, Katrin", "Müller, Katrin"),),
}  # fmt: skip
FOREIGN_STATEMENT = {"jpn": ("著", "cho"), "kor": (" 지음", " chiŭm")}


@dataclass(frozen=True)
class Book:
    """What a record describes, independent of MARC 21 or UNIMARC."""

    language: str  # MARC language code
    title: str
    title_roman: str  # the same as title for Latin script
    author: Person | None
    statement: str  # statement of responsibility: 王建国著, Anna Smith
    statement_roman: str
    place: Place
    year: int
    pages: int
    isbn: str  # hyphenated
    price: int  # yuan; 0 for books published abroad
    topic: Topic
    region: Region | None  # what a local document is about; None for other books

    @property
    def is_local(self) -> bool:
        return self.region is not None

    @property
    def is_cjk(self) -> bool:
        return self.title != self.title_roman


def isbn13(group: str, serial: int) -> str:
    """An invented ISBN: registrant 55..., serial from the record number, valid check digit."""
    registrant = "55" + "0" * (3 - len(group))
    body = f"978{group}{registrant}{serial % 10000:04d}"
    check = -sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body)) % 10
    return f"978-{group}-{registrant}-{serial % 10000:04d}-{check}"


# --- records, and where they appear ----------------------------------------------------------


@dataclass
class Record:
    """One bibliographic record: what it describes, who created it and when, who enhanced it."""

    key: int
    book: Book
    origin: str | None  # agency code in 040 $a / 801 #0 $b; None: no 040 $a
    entered: datetime
    origin_country: str = "CN"  # UNIMARC 801 $a
    oclc_number: int | None = None
    enhancements: list[tuple[datetime, str]] = field(default_factory=list)  # (when, agency code)


@dataclass(frozen=True)
class Entry:
    """A record as one member's export shows it."""

    record: Record
    role: str  # original, enhanced or agencyless
    modified: datetime  # 005; the enhancement's date for an enhanced record
    parallel: bool = False  # MARC 21: romanised fields with 880 vernacular
    transcribed: bool = False  # UNIMARC: an 801 #1 line for the exporting member

    @property
    def modifiers(self) -> list[tuple[datetime, str]]:
        """The enhancements the record had when this member exported it."""
        return sorted(e for e in self.record.enhancements if e[0] <= self.modified)


@dataclass(frozen=True)
class Format:
    scheme: str  # marc21 or unimarc
    container: str  # iso2709 or marcxml
    encoding: str  # utf-8 or marc-8
    style: str  # worldcat: 001 OCLC number, 003 OCoLC, 264; local: 001 local number, 003 agency, 260
    extension: str
    label: str  # for the README


WORLDCAT = Format("marc21", "iso2709", "utf-8", "worldcat", "mrc", "MARC 21, UTF-8 (OCLC export)")
LOCAL = Format("marc21", "iso2709", "utf-8", "local", "mrc", "MARC 21, UTF-8 (local system)")
LOCAL_XML = Format("marc21", "marcxml", "utf-8", "local", "xml", "MARCXML (local system)")
MARC8_EXPORT = Format("marc21", "iso2709", "marc-8", "worldcat", "mrc", "MARC 21, MARC-8 with EACC")
CNMARC = Format("unimarc", "iso2709", "utf-8", "local", "iso", "CNMARC (UNIMARC), UTF-8")


@dataclass(frozen=True)
class Damage:
    kind: str  # length, garbage, line_breaks, truncated
    number: int  # record number in the file (1-based); 0: every record
    description: str


@dataclass
class MarcFile:
    path: str  # relative to the output directory
    library: Library
    year: int
    format: Format
    records: list[Entry | None] = field(default_factory=list)  # None: a garbage chunk
    damage: Damage | None = None

    def numbered(self, role: str) -> list[int]:
        return [n for n, entry in enumerate(self.records, 1) if entry and entry.role == role]


class _Planner:
    """Everything the plan needs while it is built: members, places and the records so far."""

    def __init__(self, registry: Registry):
        self.registry = registry
        self.records: list[Record] = []
        self.libraries = list(registry.libraries.values())
        self.regions = {lib.code: region_of(lib) for lib in self.libraries}
        self.agency = {lib.code: sample_code(lib) for lib in self.libraries}
        self.places: list[tuple[Place, Library]] = []  # the member cities as places of publication
        for lib in self.libraries:
            if lib.level != "province" and lib.city_zh:
                region = self.regions[lib.code]
                self.places.append((chinese_place(region.name, region.roman, str(lib.adcode or "")), lib))

    def record(
        self,
        book_rng: Random,
        origin: str | None,
        entered: datetime,
        owner: Library,
        language: str | None = None,
        local: bool | None = None,
    ) -> Record:
        key = len(self.records) + 1
        if local is None:
            local = book_rng.random() < _local_share(owner)
        book = self.book(book_rng, key, owner, entered.year, local, language)
        record = Record(key, book, origin, entered)
        self.records.append(record)
        return record

    def book(
        self, rng: Random, key: int, owner: Library, year: int, local: bool, language: str | None
    ) -> Book:
        language = language or _pick(rng, LANGUAGES)
        region = self._region(rng, owner) if local else None
        if language != "chi":
            return self._foreign_book(rng, key, language, local, region or self._region(rng, owner), year)
        place, price = self._chinese_place(rng, owner, region is not None), rng.randrange(28, 168)
        year -= 1 if rng.random() < 0.3 else 0  # catalogued in the year of publication or the next
        if region and rng.random() < SERIAL_LOCAL_SHARE:
            return self._serial(rng, key, region, place, year, price)
        topic = rng.choice(LOCAL_TOPICS if region else GENERAL_TOPICS)
        title, roman = topic.words, topic.roman
        if region:
            form, form_roman = rng.choice(FORMS)
            title, roman = f"{region.name}{title}{form}", f"{region.roman} {roman} {form_roman}"
        surname, given = rng.choice(SURNAMES), rng.choice(GIVEN_NAMES)
        role, role_roman = _pick(rng, ROLES)
        author = Person(
            surname[0] + given[0],
            f"{surname[1]}, {given[1].replace(' ', '').capitalize()}",
            f"{surname[1].lower()} {given[1]}",
        )
        statement_roman = f"{author.roman.replace(',', '')} {role_roman}"
        return Book("chi", title, _capitalised(roman), author, author.name + role, statement_roman, place,
                    year, rng.randrange(120, 680), isbn13("7", key), price, topic, region)  # fmt: skip

    def _serial(self, rng: Random, key: int, region: Region, place: Place, year: int, price: int) -> Book:
        """A gazetteer volume or a yearbook: the corporate body, not a person, is responsible."""
        if rng.random() < 0.5:
            volume = rng.randrange(1, 12)
            title = f"{region.division}志. 第{volume}卷"
            roman = f"{region.division_roman} zhi. Di {volume} juan"
            body, body_roman = (
                f"{region.division}地方志编纂委员会编",
                f"{region.division_roman} di fang zhi bian zuan wei yuan hui bian",
            )
            topic = GAZETTEER
        else:
            title, roman = f"{region.name}年鉴. {year}", f"{region.roman} nian jian. {year}"
            body, body_roman = f"{region.name}年鉴编辑部编", f"{region.roman} nian jian bian ji bu bian"
            topic = YEARBOOK
        return Book("chi", title, roman, None, body, body_roman, place, year, rng.randrange(400, 900),
                    isbn13("7", key), price + 100, topic, region)  # fmt: skip

    def _foreign_book(
        self, rng: Random, key: int, language: str, local: bool, region: Region, year: int
    ) -> Book:
        titles = [t for t in FOREIGN_TITLES if t.language == language]
        title = rng.choice([t for t in titles if t.local == local] or titles)
        text = title.title.format(place=region.roman)
        author = rng.choice(FOREIGN_AUTHORS[language])
        if author.name == author.roman:  # Latin script: "Smith, Anna" -> "Anna Smith"
            surname, _, given = author.name.partition(", ")
            statement = statement_roman = f"{given} {surname}"
        else:
            suffix, suffix_roman = FOREIGN_STATEMENT[language]
            statement, statement_roman = author.name + suffix, author.roman.replace(",", "") + suffix_roman
        place = rng.choice(FOREIGN_PLACES[language])
        return Book(language, text, title.roman or text, author, statement, statement_roman, place,
                    year - rng.randrange(0, 3), rng.randrange(150, 420), isbn13(ISBN_GROUP[language], key), 0,
                    title.topic, region if title.local else None)  # fmt: skip

    def _region(self, rng: Random, owner: Library) -> Region:
        if rng.random() < 0.7:
            return self.regions[owner.code]
        return self.regions[rng.choice(self.libraries).code]

    def _chinese_place(self, rng: Random, owner: Library, local: bool) -> Place:
        draw = rng.random()
        for name, roman, locality, local_share, other_share in OTHER_CHINESE_PLACES:
            share = local_share if local else other_share
            if draw < share:
                return chinese_place(name, roman, locality)
            draw -= share
        own = [place for place, lib in self.places if lib.code == owner.code]
        if own and rng.random() < 0.45:
            return own[0]
        weights = [lib.population or 1 for _place, lib in self.places]
        return rng.choices([place for place, _lib in self.places], weights)[0]


def sample_code(library: Library) -> str:
    """The member's invented agency code (alias kind `sample`), else its registry code."""
    return next((value for kind, value in library.aliases if kind == "sample"), library.code.upper())


def _local_share(library: Library) -> float:
    low, high = LOCAL_SHARE.get(library.level, (0.35, 0.55))
    return Random(f"{SEED}/{library.code}/local-share").uniform(low, high)


def _pick(rng: Random, weighted) -> object:
    values, weights = zip(*weighted)
    return rng.choices(values, weights)[0]


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _growth(library: Library) -> tuple[float, float]:
    """(scale, yearly growth) of a member's cataloguing output."""
    rng = Random(f"{SEED}/{library.code}/cataloguing-profile")
    scale = SCALE_BY_LEVEL.get(library.level, 1.0) * rng.lognormvariate(0.0, 0.25)
    return scale, rng.uniform(0.08, 0.16)


def expected_originals(library: Library, month: date) -> float:
    """Records a member is expected to create in a month (0 before it joined)."""
    start = first_usage_month(library)
    if month < start:
        return 0.0
    scale, growth = _growth(library)
    years = month.year - FIRST_YEAR + (month.month - 1) / 12
    expected = ORIGINALS_PER_MONTH * scale * (1 + growth) ** years * SEASON[month.month - 1]
    if library.joined_on is not None:
        months_in = (month.year - start.year) * 12 + month.month - start.month
        expected *= min(1.0, 0.2 + 0.8 * months_in / RAMP_UP_MONTHS)
    return expected


def _moment(rng: Random, month: date) -> datetime:
    """A working-hours moment in the month."""
    day = rng.randint(1, calendar.monthrange(month.year, month.month)[1])
    seconds = rng.randrange(8 * 3600 + 1800, 17 * 3600 + 1800)
    return datetime.combine(month.replace(day=day), time()) + timedelta(seconds=seconds)


def _months(library: Library, year: int) -> list[date]:
    start = first_usage_month(library)
    return [month for month in (date(year, m, 1) for m in range(1, 13)) if month >= start]


def _years(library: Library) -> range:
    return range(first_usage_month(library).year, LAST_YEAR + 1)


def _file_formats(libraries: list[Library]) -> dict[tuple[str, int], Format]:
    """Each member's export habit, by its place in the registry; three early files in MARC-8."""
    early = [
        (index, lib)
        for index, lib in enumerate(libraries)
        if first_usage_month(lib).year == FIRST_YEAR and index % 4 in (0, 2)
    ]
    marc8_files = {(lib.code, FIRST_YEAR + k) for n, (_i, lib) in enumerate(early[:2]) for k in range(2 - n)}
    formats = {}
    for index, library in enumerate(libraries):
        for year in _years(library):
            habit = index % 4
            if (library.code, year) in marc8_files:
                found = MARC8_EXPORT
            elif habit == 1:
                found = CNMARC if year < SWITCH_TO_WORLDCAT_YEAR else WORLDCAT
            elif habit == 2:
                found = LOCAL_XML if year >= MARCXML_FROM_YEAR else LOCAL
            else:
                found = CNMARC if habit == 3 else WORLDCAT
            formats[library.code, year] = found
    return formats


def plan_catalogue(registry: Registry) -> list[MarcFile]:
    """Every MARC file to write, with its records in order and any damage; nothing written yet."""
    planner = _Planner(registry)
    formats = _file_formats(planner.libraries)
    entries: dict[tuple[str, int], list[Entry]] = {key: [] for key in formats}
    originals = _originals(planner, formats, entries)
    _enhancements(planner, originals, formats, entries)
    _agencyless(planner, formats, entries)
    numbered = sorted((r for r in planner.records if r.origin), key=lambda r: (r.entered, r.key))
    for offset, record in enumerate(numbered):
        record.oclc_number = FIRST_OCLC_NUMBER + offset
    files = []
    for library in planner.libraries:
        for year in _years(library):
            found = formats[library.code, year]
            path = f"{MARC_DIR}/{year}/{library.code}_{year}.{found.extension}"
            ordered = sorted(entries[library.code, year], key=lambda e: (e.modified, e.record.key))
            files.append(MarcFile(path, library, year, found, list(ordered)))
    _damage(files, planner.libraries)
    return files


def _parallel(rng: Random, book: Book, found: Format) -> bool:
    if found.scheme != "marc21" or not book.is_cjk:
        return False
    return found.encoding == "marc-8" or rng.random() < PARALLEL_SHARE[found.style]


def _originals(planner: _Planner, formats, entries) -> list[Record]:
    """Each member's new records, month by month; returns all of them in order of entry."""
    for library in planner.libraries:
        code = planner.agency[library.code]
        for year in _years(library):
            rng = Random(f"{SEED}/{library.code}/{year}/originals")
            found = formats[library.code, year]
            for month in _months(library, year):
                expected = expected_originals(library, month)
                count = int(max(0.0, expected * rng.gauss(1.0, 0.25)) + rng.random())
                for entered in sorted(_moment(rng, month) for _ in range(count)):
                    record = planner.record(rng, code, entered, library)
                    transcribed = found.scheme == "unimarc" and rng.random() < TRANSCRIBED_SHARE
                    parallel = _parallel(rng, record.book, found)
                    entries[library.code, year].append(
                        Entry(record, "original", entered, parallel, transcribed)
                    )
    return sorted(planner.records, key=lambda r: (r.entered, r.key))


def _enhancements(planner: _Planner, originals: list[Record], formats, entries) -> None:
    """Records members enhanced: other members' records, now and then one from outside."""
    times = [record.entered for record in originals]
    for library in planner.libraries:
        code, start = planner.agency[library.code], first_usage_month(library)
        for year in _years(library):
            rng = Random(f"{SEED}/{library.code}/{year}/enhanced")
            created = sum(1 for e in entries[library.code, year] if e.role == "original")
            months = _months(library, year)
            for _ in range(round(created * rng.uniform(*ENHANCED_PER_ORIGINAL))):
                when = _moment(rng, rng.choice(months))
                record = _member_record(rng, originals, times, start, when, code)
                if record is None or rng.random() < NON_MEMBER_SOURCE:
                    record = _non_member_record(planner, rng, library, start, when)
                record.enhancements.append((when, code))
                parallel = _parallel(rng, record.book, formats[library.code, year])
                entries[library.code, year].append(Entry(record, "enhanced", when, parallel))


def _member_record(rng: Random, originals, times, start: date, when: datetime, code: str) -> Record | None:
    """Another member's record created since this member joined, not yet enhanced by it."""
    low, high = bisect_left(times, datetime.combine(start, time())), bisect_left(times, when)
    for _ in range(5):
        if high <= low:
            return None
        record = originals[rng.randrange(low, high)]
        if record.origin != code and code not in {c for _, c in record.enhancements}:
            return record
    return None


def _non_member_record(
    planner: _Planner, rng: Random, library: Library, start: date, when: datetime
) -> Record:
    agency, country, language = rng.choice(NON_MEMBER_AGENCIES)
    earliest = max(datetime.combine(start, time()), when - timedelta(days=ENHANCEMENT_LOOKBACK_DAYS))
    entered = earliest + (when - earliest) * rng.uniform(0.0, 0.95)
    entered = entered.replace(microsecond=0)
    record = planner.record(rng, agency, entered, library, language=language)
    record.origin_country = country
    return record


def _agencyless(planner: _Planner, formats, entries) -> None:
    """A few local MARC 21 records whose 040 has no $a: never contributed, nobody's original."""
    hosts = sorted(
        key for key, found in formats.items() if found.scheme == "marc21" and found.style == "local"
    )
    rng = Random(f"{SEED}/catalogue/agencyless")
    for code, year in sorted(rng.sample(hosts, min(AGENCYLESS_FILES, len(hosts)))):
        library = planner.registry.get(code)
        for _ in range(rng.randint(1, 2)):
            entered = _moment(rng, rng.choice(_months(library, year)))
            record = planner.record(rng, None, entered, library, local=True)
            entries[code, year].append(Entry(record, "agencyless", entered))


# --- damage ----------------------------------------------------------------------------------

GARBAGE = (
    b"*** EXPORT INTERRUPTED *** batch 7 of 12, resuming at record offset 0x3F2A\r\n"
    b"\x00\x00\x00\xff\xfe garbage left by an interrupted export"
    b"\x1e\x1d"
)


def _damage(files: list[MarcFile], libraries: list[Library]) -> None:
    """Break one record in each of four files, as real exports are broken; chosen by registry order."""
    province = next((lib for lib in libraries if lib.level == "province"), libraries[0])
    cities = [lib for lib in libraries if lib is not province] or [province]

    def host(library: Library, year: int, scheme: str = "") -> MarcFile:
        binary = [
            f for f in files
            if f.format.container == "iso2709" and f.format.encoding == "utf-8" and len(f.records) >= 4
            and f.damage is None and (not scheme or f.format.scheme == scheme)
        ]  # fmt: skip
        own = sorted(
            (f for f in binary if f.library is library), key=lambda f: (f.year < year, abs(f.year - year))
        )
        return (own or binary)[0]

    chosen = host(province, 2021)
    number = next(
        n for n, e in enumerate(chosen.records, 1) if n > 1 and e and not e.record.book.title.isascii()
    )
    chosen.damage = Damage("length", number, "the leader's record length counts characters, not bytes; "
                           "the record terminator is where the record really ends")  # fmt: skip
    chosen = host(cities[0], 2022)
    chosen.records.insert(3, None)
    chosen.damage = Damage(
        "garbage", 4, f"not a record: {len(GARBAGE)} bytes of garbage between two good records"
    )
    chosen = host(cities[2 % len(cities)], 2020, "unimarc")
    chosen.damage = Damage("line_breaks", 0, "CR LF after every record, as some CNMARC exports have")
    chosen = host(cities[3 % len(cities)], 2024)
    chosen.damage = Damage("truncated", len(chosen.records), "the file ends in the middle of this record")


# --- MARC 21 and UNIMARC fields ---------------------------------------------------------------


def _control_number(entry: Entry, marc_file: MarcFile, number: int) -> str:
    if marc_file.format.style == "worldcat" and entry.record.oclc_number:
        return f"on{entry.record.oclc_number}"
    return f"{marc_file.year}{number:06d}"


def _marc21_008(entry: Entry) -> str:
    book = entry.record.book
    literary_form = "1" if book.topic.clc.startswith("I24") else "0"
    source = " " if entry.record.origin == "DLC" else "d"
    value = (
        f"{entry.record.entered:%y%m%d}s{book.year}    {book.place.country}a   "
        f"       000 {literary_form} {book.language} {source}"
    )
    assert len(value) == 40, value
    return value


def marc21_fields(entry: Entry, marc_file: MarcFile, number: int, own_code: str) -> tuple[str, list[Field]]:
    """(leader, fields) of a MARC 21 record as this member's export shows it."""
    record, book = entry.record, entry.record.book
    style, parallel = marc_file.format.style, entry.parallel
    chinese = book.is_cjk and not parallel  # catalogued in Chinese, vernacular in the regular fields
    worldcat = style == "worldcat" and record.oclc_number
    fields = [
        control("001", _control_number(entry, marc_file, number)),
        control("003", "OCoLC" if worldcat else own_code),
        control("005", f"{entry.modified:%Y%m%d%H%M%S}.0"),
        control("008", _marc21_008(entry)),
        datafield(
            "020", "  ", ("a", book.isbn.replace("-", "")), ("c", f"CNY{book.price}.00" if book.price else "")
        ),
    ]
    if record.oclc_number:
        fields.append(datafield("035", "  ", ("a", f"(OCoLC){record.oclc_number}")))
    modifiers = [("d", code) for _when, code in entry.modifiers]
    transcriber = record.origin or own_code
    fields.append(datafield("040", "  ", ("a", record.origin or ""), ("b", "chi" if chinese else "eng"),
                            ("c", transcriber), *modifiers))  # fmt: skip
    fields.append(datafield("084", "  ", ("a", book.topic.clc), ("2", "clc")))
    linked: list[Field] = []

    def link(regular: Field, vernacular: tuple[tuple[str, str], ...]) -> Field:
        """With 880s: the regular field romanised, linked both ways to its vernacular 880."""
        if not parallel:
            return regular
        occurrence = f"{len(linked) + 1:02d}"
        linked.append(Field("880", indicators=regular.indicators,
                            subfields=(("6", f"{regular.tag}-{occurrence}/$1"), *vernacular)))  # fmt: skip
        return Field(regular.tag, indicators=regular.indicators,
                     subfields=(("6", f"880-{occurrence}"), *regular.subfields))  # fmt: skip

    def text(vernacular: str, romanised: str) -> str:
        return romanised if parallel else vernacular

    title = _title_subfields(book.title, book.statement)
    indicators = f"{1 if book.author else 0}{_nonfiling(book.title)}"
    romanised = _title_subfields(
        text(book.title, book.title_roman), text(book.statement, book.statement_roman)
    )
    fields.append(link(datafield("245", indicators, *romanised), title))
    if book.author:
        # Inverted ("Wang, Jianguo") when romanised or in Latin script; a CJK name is written whole.
        inverted = parallel or book.author.name == book.author.roman
        author = datafield(
            "100", "1 " if inverted else "0 ", ("a", text(book.author.name, book.author.roman))
        )
        fields.append(link(author, (("a", book.author.name),)))
    imprint = _imprint(book.place.name, book.place.publisher, book.year)
    imprint_roman = _imprint(book.place.roman, book.place.publisher_romanised, book.year)
    tag, indicators = ("264", " 1") if style == "worldcat" else ("260", "  ")
    fields.append(link(datafield(tag, indicators, *(imprint_roman if parallel else imprint)), imprint))
    if chinese:
        fields.append(datafield("300", "  ", ("a", f"{book.pages}页 ;"), ("c", "26cm")))
    else:
        fields.append(datafield("300", "  ", ("a", f"{book.pages} pages ;"), ("c", "24 cm")))
    fields.append(datafield("500", "  ", ("a", SYNTHETIC_RECORD_NOTE)))
    fields += _marc21_subjects(book, chinese)
    fields += linked
    coding = " " if marc_file.format.encoding == "marc-8" else "a"
    status = "c" if entry.role == "enhanced" else "n"
    level = "I" if worldcat and record.origin != "DLC" else " "
    return f"00000{status}am {coding}2200000{level}i 4500", sorted(fields, key=lambda f: f.tag)


def _title_subfields(title: str, statement: str) -> tuple[tuple[str, str], ...]:
    """245 $a and $c with ISBD punctuation, as catalogues write them."""
    return (("a", f"{title} /"), ("c", f"{statement}.")) if statement else (("a", f"{title}."),)


def _imprint(place: str, publisher: str, year: int) -> tuple[tuple[str, str], ...]:
    return ("a", f"{place} :"), ("b", f"{publisher},"), ("c", f"{year}.")


def _nonfiling(title: str) -> int:
    return next((n for article, n in NONFILING.items() if title.startswith(article)), 0)


def _marc21_subjects(book: Book, chinese: bool) -> list[Field]:
    topic, region = book.topic, book.region
    if chinese:
        fields = [
            datafield("650", " 7", ("a", topic.subject), ("z", region.name if region else ""), ("2", "cct"))
        ]
        if region:
            fields.append(datafield("651", " 7", ("a", region.name), ("x", topic.aspect), ("2", "cct")))
        return fields
    places = (("z", "China"), ("z", region.subdivision_en)) if region else ()
    fields = [datafield("650", " 0", ("a", topic.subject_en), *places)]
    if region:
        fields.append(datafield("651", " 0", ("a", region.heading_en), ("x", topic.aspect_en)))
    return fields


def _unimarc_100(entry: Entry) -> str:
    """UNIMARC 100 $a, general processing data (36 positions)."""
    value = f"{entry.record.entered:%Y%m%d}d{entry.record.book.year}    em y0chiy50      ea"
    assert len(value) == 36, value
    return value


def unimarc_fields(entry: Entry, marc_file: MarcFile, number: int, own_code: str) -> tuple[str, list[Field]]:
    """(leader, fields) of a CNMARC record as this member's export shows it."""
    record, book = entry.record, entry.record.book
    fields = [
        control("001", _control_number(entry, marc_file, number)),
        control("005", f"{entry.modified:%Y%m%d%H%M%S}.0"),
        datafield("010", "  ", ("a", book.isbn), ("d", f"CNY{book.price}.00" if book.price else "")),
    ]
    if record.oclc_number:
        fields.append(datafield("035", "  ", ("a", f"(OCoLC){record.oclc_number}")))
    pinyin = book.title_roman.lower() if book.language == "chi" else ""
    fields += [
        datafield("100", "  ", ("a", _unimarc_100(entry))),
        datafield("101", "0 ", ("a", book.language)),
        datafield("102", "  ", ("a", book.place.iso_country), ("b", book.place.locality)),
        datafield("200", "1 ", ("a", book.title), ("A", pinyin), ("f", book.statement)),
        datafield("210", "  ", ("a", book.place.name), ("c", book.place.publisher), ("d", str(book.year))),
        datafield("215", "  ", ("a", f"{book.pages}页"), ("d", "26cm")),
        datafield("300", "  ", ("a", SYNTHETIC_RECORD_NOTE)),
        datafield("606", "0 ", ("a", book.topic.subject), ("y", book.region.name if book.region else "")),
    ]
    if book.region:
        fields.append(datafield("607", "  ", ("a", book.region.name), ("x", book.topic.aspect)))
    fields.append(datafield("690", "  ", ("a", book.topic.clc), ("v", "5")))
    if book.author:
        fields.append(_unimarc_701(book.author))
    if record.origin:
        fields.append(datafield("801", " 0", ("a", record.origin_country), ("b", record.origin),
                                ("c", f"{record.entered:%Y%m%d}")))  # fmt: skip
    if entry.transcribed:
        fields.append(datafield("801", " 1", ("a", "CN"), ("b", own_code), ("c", f"{entry.modified:%Y%m%d}")))
    for when, code in entry.modifiers:
        fields.append(datafield("801", " 2", ("a", "CN"), ("b", code), ("c", f"{when:%Y%m%d}")))
    status = "c" if entry.role == "enhanced" else "n"
    return f"00000{status}am0 2200000   450 ", fields


def _unimarc_701(author: Person) -> Field:
    if author.name == author.roman:  # Latin script: surname $a, forename $b, inverted
        surname, _, given = author.name.partition(", ")
        return datafield("701", " 1", ("a", surname), ("b", given), ("4", "著"))
    return datafield("701", " 0", ("a", author.name), ("A", author.pinyin), ("4", "著"))


# --- files -----------------------------------------------------------------------------------


def file_bytes(marc_file: MarcFile) -> bytes:
    """The file as the member's system exported it, damage included."""
    code = sample_code(marc_file.library)
    render = marc21_fields if marc_file.format.scheme == "marc21" else unimarc_fields
    rendered = [
        None if e is None else render(e, marc_file, n, code) for n, e in enumerate(marc_file.records, 1)
    ]
    if marc_file.format.container == "marcxml":
        return marcxml(
            [(iso2709(fields, leader)[:24].decode("ascii"), fields) for leader, fields in rendered]
        )
    encode = marc8 if marc_file.format.encoding == "marc-8" else utf8
    chunks = [GARBAGE if r is None else iso2709(r[1], r[0], encode) for r in rendered]
    damage = marc_file.damage
    if damage and damage.kind == "length":
        chunk = chunks[damage.number - 1]
        chunks[damage.number - 1] = f"{len(chunk.decode('utf-8')):05d}".encode("ascii") + chunk[5:]
    if damage and damage.kind == "truncated":
        chunks[-1] = chunks[-1][: len(chunks[-1]) * 3 // 5]
    separator = b"\r\n" if damage and damage.kind == "line_breaks" else b""
    return b"".join(chunk + separator for chunk in chunks)


def write_catalogue(out_dir: Path, files: list[MarcFile]) -> list[Path]:
    """Write the MARC files under out_dir/marc/, emptied first so no stale file stays behind."""
    shutil.rmtree(out_dir / MARC_DIR, ignore_errors=True)
    paths = []
    for marc_file in files:
        path = out_dir / marc_file.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(file_bytes(marc_file))
        paths.append(path)
    return paths


def originals_by_month(files: list[MarcFile]) -> Counter[tuple[str, date]]:
    """{(member code, month): records it created}: what its cataloguing statistics must agree with."""
    counts: Counter[tuple[str, date]] = Counter()
    for marc_file in files:
        for entry in filter(None, marc_file.records):
            if entry.role == "original":
                counts[marc_file.library.code, entry.record.entered.date().replace(day=1)] += 1
    return counts


def enhanced_by_month(files: list[MarcFile]) -> Counter[tuple[str, date]]:
    counts: Counter[tuple[str, date]] = Counter()
    for marc_file in files:
        for entry in filter(None, marc_file.records):
            if entry.role == "enhanced":
                counts[marc_file.library.code, entry.modified.date().replace(day=1)] += 1
    return counts


def readme_section(files: list[MarcFile]) -> str:
    """The README's part on catalogue records, in English and Chinese."""
    entries = [e for f in files for e in f.records if e]
    roles = Counter(e.role for e in entries)
    originals = [e.record for e in entries if e.role == "original"]
    local = sum(r.book.is_local for r in originals) / max(1, len(originals))
    languages = Counter(r.book.language for r in originals)
    formats = Counter(f.format.label for f in files)
    format_lines = "\n".join(f"  - {label}: {n} files" for label, n in formats.items())
    marc8_paths = ", ".join(f"`{f.path}`" for f in files if f.format.encoding == "marc-8")
    members = {sample_code(f.library) for f in files}
    outside = Counter(
        e.record.origin for e in entries if e.role == "enhanced" and e.record.origin not in members
    )
    agencies = ", ".join(f"`{code}` ({n})" for code, n in sorted(outside.items()))
    damaged = "\n".join(
        f"| `{f.path}` | {f.damage.number or 'all'} | {f.damage.description} |" for f in files if f.damage
    )
    agencyless = "\n".join(
        f"| `{f.path}` | {', '.join(map(str, f.numbered('agencyless')))} |"
        for f in files
        if f.numbered("agencyless")
    )
    language_list = ", ".join(f"{code} {n}" for code, n in languages.most_common())
    return f"""## Catalogue records / 编目记录

- `marc/<year>/<code>_<year>.<ext>`: one export per member and year of membership (members with a
  joined_on date from the month after they joined), {len(files)} files, {len(entries)} records:
{format_lines}
- Each member's file holds the records it created that year ({roles["original"]} in all:
  MARC 21 040 $a / CNMARC 801 #0 $b is its agency code, the invented `sample` alias in
  `data/libraries.csv`) and the records it enhanced ({roles["enhanced"]}: its code in 040 $d /
  801 #2 $b). A record another member enhanced appears again in that member's file with the same
  OCLC number (001 with 003 `OCoLC`, or 035 `(OCoLC)...`): count each original once. Records
  from outside the consortium that members enhanced carry the agency codes {agencies}
  (DLC is the Library of Congress's code; the `CN-SYN-` codes are invented).
- Originals by language: {language_list}; {local:.0%} are local documents (地方文献: CLC
  K295.5, K928, I236, J825, F127.55 ..., subjects naming 浙江 or a member city). Titles, names,
  publishers ("...示例出版社"), ISBNs and OCLC numbers (from {FIRST_OCLC_NUMBER}, beyond any real
  one) are invented.
- Every record carries the note `{SYNTHETIC_RECORD_NOTE}` (MARC 21 500 $a, UNIMARC 300 $a).
- MARC-8 (leader/09 blank, CJK in EACC): {marc8_paths}. CNMARC files are UTF-8 with a blank
  leader/09, as CNMARC exports have it. Some MARC 21 records give romanised fields with
  vernacular 880s (`$6 245-01/$1`).
- Records without an originating agency (040 with $b and $c but no $a), by record number:

| File / 文件 | Records / 记录 |
|---|---|
{agencyless}

- `marc/`：各成员馆每年一个导出文件（MARC 21、MARCXML、MARC-8、CNMARC），包含该馆当年的原始编目
  记录（040 $a / 801 #0 $b 为该馆代码）与加强记录（040 $d / 801 #2）；其他成员馆加强过的记录会以
  相同的 OCLC 号再次出现，原始记录只应计一次。来自联盟以外机构的记录带有代码 {agencies}（DLC 为
  美国国会图书馆的代码，`CN-SYN-` 开头的代码为虚构）；上表所列记录的 040 没有 $a。约 {local:.0%}
  为地方文献。每条记录都带有附注 `{SYNTHETIC_RECORD_NOTE}`。题名、责任者、出版社、ISBN 与 OCLC
  号均为虚构。

### Broken records / 损坏的记录

Real exports are sometimes damaged; these records are damaged on purpose. Everything else is
well-formed. 以下记录是有意损坏的，其余记录均为规范格式。

| File / 文件 | Record / 记录 | What is wrong / 问题 |
|---|---|---|
{damaged}
"""
