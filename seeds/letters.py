"""The letter templates every center starts with: one per purpose in Russian and in Kazakh, built here
as DOCX with python-docx (the same bytes on every run) and loaded through the service that checks a
manager's upload. A template already there (same language and name) is left as it is: a manager may
have corrected it in the admin."""

import io
import zipfile

from django.core.files.base import ContentFile
from django.db import transaction
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from clinic.models import LetterTemplate
from clinic.services import letter_template_save

Purpose = LetterTemplate.Purpose

# A paragraph: (style, text). Styles: "head" the letterhead (centered), "to" the addressee block (right),
# "ref" the outgoing number, "title" (centered, bold), "text" (justified, indented), "sign" the
# signature line, "plain". "{%p if x %}" and "{%p endif %}" alone in a paragraph keep or drop the
# paragraphs between them (docxtpl).
Paragraphs = list[tuple[str, str]]

LETTERHEAD_RU: Paragraphs = [
    ("head", "ТЕРРИТОРИАЛЬНОЕ ОБЪЕДИНЕНИЕ ПРОФСОЮЗОВ"),
    ("head", "{{ center.name }}"),
    ("head", "Правовая клиника"),
    ("head", "{%p if center.address %}"),
    ("head", "{{ center.address }}"),
    ("head", "{%p endif %}"),
    ("head", "{%p if center.phone %}"),
    ("head", "Тел.: {{ center.phone }}"),
    ("head", "{%p endif %}"),
    ("ref", "Исх. № {{ case.registration_number }} от {{ today }}"),
]
LETTERHEAD_KK: Paragraphs = [
    ("head", "КӘСІПОДАҚТАРДЫҢ АУМАҚТЫҚ БІРЛЕСТІГІ"),
    ("head", "{{ center.name }}"),
    ("head", "Құқықтық клиника"),
    ("head", "{%p if center.address %}"),
    ("head", "{{ center.address }}"),
    ("head", "{%p endif %}"),
    ("head", "{%p if center.phone %}"),
    ("head", "Тел.: {{ center.phone }}"),
    ("head", "{%p endif %}"),
    ("ref", "Шығ. № {{ case.registration_number }}, күні: {{ today }}"),
]
EMPLOYER_RU: Paragraphs = [
    ("to", "Руководителю"),
    ("to", "{{ employer.name }}"),
    ("to", "БИН {{ employer.bin }}"),
    ("to", "{%p if employer.address %}"),
    ("to", "{{ employer.address }}"),
    ("to", "{%p endif %}"),
]
EMPLOYER_KK: Paragraphs = [
    ("to", "{{ employer.name }}"),
    ("to", "басшысына"),
    ("to", "БСН {{ employer.bin }}"),
    ("to", "{%p if employer.address %}"),
    ("to", "{{ employer.address }}"),
    ("to", "{%p endif %}"),
]
SIGNATURE_RU: Paragraphs = [
    ("sign", "Юрист правовой клиники                    ____________    {{ lawyer.full_name }}"),
    ("plain", "Территориальное объединение профсоюзов, {{ center.name }}"),
]
SIGNATURE_KK: Paragraphs = [
    ("sign", "Құқықтық клиниканың заңгері                    ____________    {{ lawyer.full_name }}"),
    ("plain", "Кәсіподақтардың аумақтық бірлестігі, {{ center.name }}"),
]

TEMPLATES: list[tuple[str, str, str, Paragraphs]] = [
    (
        Purpose.EMPLOYER_REQUEST,
        "ru",
        "Запрос работодателю",
        [
            *LETTERHEAD_RU,
            *EMPLOYER_RU,
            ("title", "ЗАПРОС"),
            ("title", "о представлении информации и документов"),
            (
                "text",
                "В правовую клинику территориального объединения профсоюзов ({{ center.name }}) "
                "обратился(-ась) {{ applicant.full_name }} (ИИН {{ applicant.iin }}) по вопросу "
                "«{{ case.topic }}». Обращение зарегистрировано {{ case.received_on }} "
                "за № {{ case.registration_number }}.",
            ),
            ("text", "Суть обращения: {{ case.summary }}"),
            (
                "text",
                "В целях полного и объективного рассмотрения обращения, руководствуясь Трудовым кодексом "
                "Республики Казахстан и Законом Республики Казахстан «О профессиональных союзах», просим "
                "не позднее {{ case.due_on }} представить информацию по существу обращения, а также "
                "заверенные копии трудового договора работника и дополнительных соглашений к нему, "
                "приказов о приёме, переводе и увольнении, сведений о начисленной и выплаченной "
                "заработной плате за последние двенадцать месяцев.",
            ),
            ("text", "В ответе просим указать номер и дату настоящего запроса."),
            *SIGNATURE_RU,
        ],
    ),
    (
        Purpose.EMPLOYER_REQUEST,
        "kk",
        "Жұмыс берушіге сұрау салу",
        [
            *LETTERHEAD_KK,
            *EMPLOYER_KK,
            ("title", "АҚПАРАТ ПЕН ҚҰЖАТТАРДЫ ҰСЫНУ ТУРАЛЫ"),
            ("title", "СҰРАУ САЛУ"),
            (
                "text",
                "{{ applicant.full_name }} (ЖСН {{ applicant.iin }}) «{{ case.topic }}» мәселесі бойынша "
                "өтінішпен жүгінді. Өтініш № {{ case.registration_number }} болып тіркелді, тіркелген "
                "күні: {{ case.received_on }}.",
            ),
            ("text", "Өтініштің мәні: {{ case.summary }}"),
            (
                "text",
                "Өтінішті толық және объективті қарау мақсатында, Қазақстан Республикасының Еңбек "
                "кодексін және «Кәсіптік одақтар туралы» Қазақстан Республикасының Заңын басшылыққа ала "
                "отырып, өтініштің мәні бойынша ақпаратты, сондай-ақ қызметкердің еңбек шартының және "
                "оған қосымша келісімдердің, жұмысқа қабылдау, ауыстыру және жұмыстан шығару туралы "
                "бұйрықтардың, соңғы он екі айда есептелген және төленген жалақы туралы мәліметтердің "
                "куәландырылған көшірмелерін ұсынуыңызды сұраймыз. Ұсыну мерзімі: {{ case.due_on }}.",
            ),
            ("text", "Жауапта осы сұрау салудың нөмірі мен күнін көрсетуіңізді сұраймыз."),
            *SIGNATURE_KK,
        ],
    ),
    (
        Purpose.CONCILIATION_CLAIM,
        "ru",
        "Заявление в согласительную комиссию",
        [
            ("to", "В согласительную комиссию"),
            ("to", "{{ employer.name }}"),
            ("to", "БИН {{ employer.bin }}"),
            ("to", "от {{ applicant.full_name }}"),
            ("to", "ИИН {{ applicant.iin }}"),
            ("to", "тел. {{ applicant.phone }}"),
            ("title", "ЗАЯВЛЕНИЕ"),
            ("title", "о рассмотрении индивидуального трудового спора"),
            (
                "text",
                "Между мной и работодателем, {{ employer.name }}, возник индивидуальный трудовой спор "
                "по вопросу «{{ case.topic }}».",
            ),
            ("text", "Обстоятельства спора: {{ case.summary }}"),
            (
                "text",
                "В соответствии со статьями 159 и 160 Трудового кодекса Республики Казахстан прошу "
                "зарегистрировать настоящее заявление в день его подачи, рассмотреть индивидуальный "
                "трудовой спор в течение пятнадцати рабочих дней и выдать мне копию решения "
                "согласительной комиссии.",
            ),
            ("text", "Приложение: копии документов, подтверждающих изложенные обстоятельства."),
            ("sign", "{{ today }}                    ____________    {{ applicant.full_name }}"),
            (
                "text",
                "Заявление подготовлено правовой клиникой территориального объединения профсоюзов "
                "({{ center.name }}) по обращению "
                "№ {{ case.registration_number }} от {{ case.received_on }}.",
            ),
            *SIGNATURE_RU,
        ],
    ),
    (
        Purpose.CONCILIATION_CLAIM,
        "kk",
        "Татуластыру комиссиясына өтініш",
        [
            ("to", "{{ employer.name }}"),
            ("to", "(БСН {{ employer.bin }})"),
            ("to", "татуластыру комиссиясына"),
            ("to", "{{ applicant.full_name }}"),
            ("to", "ЖСН {{ applicant.iin }}"),
            ("to", "тел. {{ applicant.phone }}"),
            ("title", "ЖЕКЕ ЕҢБЕК ДАУЫН ҚАРАУ ТУРАЛЫ"),
            ("title", "ӨТІНІШ"),
            (
                "text",
                "Менің және жұмыс берушінің ({{ employer.name }}) арасында «{{ case.topic }}» мәселесі "
                "бойынша жеке еңбек дауы туындады.",
            ),
            ("text", "Даудың мән-жайы: {{ case.summary }}"),
            (
                "text",
                "Қазақстан Республикасы Еңбек кодексінің 159 және 160-баптарына сәйкес осы өтінішті "
                "берілген күні тіркеуді, жеке еңбек дауын он бес жұмыс күні ішінде қарауды және "
                "татуластыру комиссиясы шешімінің көшірмесін маған беруді сұраймын.",
            ),
            ("text", "Қосымша: баяндалған мән-жайларды растайтын құжаттардың көшірмелері."),
            ("sign", "{{ today }}                    ____________    {{ applicant.full_name }}"),
            (
                "text",
                "Өтінішті кәсіподақтардың аумақтық бірлестігінің құқықтық клиникасы ({{ center.name }}) "
                "№ {{ case.registration_number }} өтініш "
                "бойынша дайындады, өтініштің тіркелген күні: {{ case.received_on }}.",
            ),
            *SIGNATURE_KK,
        ],
    ),
    (
        Purpose.REINSTATEMENT_CLAIM,
        "ru",
        "Исковое заявление о восстановлении на работе",
        [
            ("to", "В ____________________ районный (городской) суд"),
            ("to", "Истец: {{ applicant.full_name }}, ИИН {{ applicant.iin }}, тел. {{ applicant.phone }}"),
            ("to", "Ответчик: {{ employer.name }}, БИН {{ employer.bin }}"),
            ("to", "{%p if employer.address %}"),
            ("to", "Адрес ответчика: {{ employer.address }}"),
            ("to", "{%p endif %}"),
            ("title", "ИСКОВОЕ ЗАЯВЛЕНИЕ"),
            (
                "title",
                "о восстановлении на работе и взыскании среднего заработка за время вынужденного прогула",
            ),
            (
                "text",
                "Истец состоял в трудовых отношениях с ответчиком. Приказом ответчика трудовой договор "
                "с истцом расторгнут. Истец считает расторжение трудового договора незаконным по "
                "следующим основаниям: {{ case.summary }}",
            ),
            (
                "text",
                "Спор рассмотрен согласительной комиссией ответчика либо в соответствии со статьёй 159 "
                "Трудового кодекса Республики Казахстан подлежит рассмотрению непосредственно судом. "
                "Установленный Трудовым кодексом Республики Казахстан месячный срок обращения в суд по "
                "спору о восстановлении на работе, исчисляемый со дня вручения копии приказа о "
                "расторжении трудового договора, истцом соблюдён.",
            ),
            ("text", "На основании изложенного прошу суд:"),
            (
                "text",
                "1. Признать незаконным и отменить приказ ответчика о расторжении трудового договора "
                "с истцом.",
            ),
            ("text", "2. Восстановить истца на прежней работе."),
            (
                "text",
                "3. Взыскать с ответчика в пользу истца средний заработок за время вынужденного прогула.",
            ),
            (
                "text",
                "Приложения: копия приказа о расторжении трудового договора; копия трудового договора; "
                "копия решения согласительной комиссии (при наличии); копия документа, удостоверяющего "
                "личность истца; копия искового заявления для ответчика.",
            ),
            ("sign", "{{ today }}                    Истец ____________    {{ applicant.full_name }}"),
            (
                "text",
                "Исковое заявление подготовлено правовой клиникой территориального объединения "
                "профсоюзов ({{ center.name }}) по обращению "
                "№ {{ case.registration_number }} от {{ case.received_on }}.",
            ),
            *SIGNATURE_RU,
        ],
    ),
    (
        Purpose.REINSTATEMENT_CLAIM,
        "kk",
        "Жұмысқа қайта алу туралы талап арыз",
        [
            ("to", "____________________ аудандық (қалалық) сотына"),
            (
                "to",
                "Талапкер: {{ applicant.full_name }}, ЖСН {{ applicant.iin }}, тел. {{ applicant.phone }}",
            ),
            ("to", "Жауапкер: {{ employer.name }}, БСН {{ employer.bin }}"),
            ("to", "{%p if employer.address %}"),
            ("to", "Жауапкердің мекенжайы: {{ employer.address }}"),
            ("to", "{%p endif %}"),
            ("title", "ЖҰМЫСҚА ҚАЙТА АЛУ ЖӘНЕ МӘЖБҮРЛІ ЖҰМЫС БЕРМЕУ УАҚЫТЫ ҮШІН ОРТАША ЖАЛАҚЫНЫ"),
            ("title", "ӨНДІРІП АЛУ ТУРАЛЫ ТАЛАП АРЫЗ"),
            (
                "text",
                "Талапкер жауапкермен еңбек қатынастарында болды. Жауапкердің бұйрығымен талапкермен "
                "жасалған еңбек шарты бұзылды. Талапкер еңбек шартының бұзылуын мынадай негіздер бойынша "
                "заңсыз деп санайды: {{ case.summary }}",
            ),
            (
                "text",
                "Дау жауапкердің татуластыру комиссиясында қаралды не Қазақстан Республикасы Еңбек "
                "кодексінің 159-бабына сәйкес тікелей сотта қаралуға жатады. Жұмысқа қайта алу туралы "
                "дау бойынша Қазақстан Республикасының Еңбек кодексінде белгіленген, еңбек шартын бұзу "
                "туралы бұйрықтың көшірмесі табыс етілген күннен бастап есептелетін бір айлық мерзім "
                "талапкермен сақталды.",
            ),
            ("text", "Баяндалғанның негізінде соттан мыналарды сұраймын:"),
            (
                "text",
                "1. Жауапкердің талапкермен еңбек шартын бұзу туралы бұйрығын заңсыз деп тану және "
                "оның күшін жою.",
            ),
            ("text", "2. Талапкерді бұрынғы жұмысына қайта алу."),
            (
                "text",
                "3. Жауапкерден талапкердің пайдасына мәжбүрлі жұмыс бермеу уақыты үшін орташа "
                "жалақыны өндіріп алу.",
            ),
            (
                "text",
                "Қосымшалар: еңбек шартын бұзу туралы бұйрықтың көшірмесі; еңбек шартының көшірмесі; "
                "татуластыру комиссиясы шешімінің көшірмесі (бар болса); талапкердің жеке басын "
                "куәландыратын құжаттың көшірмесі; жауапкер үшін талап арыздың көшірмесі.",
            ),
            ("sign", "{{ today }}                    Талапкер ____________    {{ applicant.full_name }}"),
            (
                "text",
                "Талап арызды кәсіподақтардың аумақтық бірлестігінің құқықтық клиникасы ({{ center.name }}) "
                "№ {{ case.registration_number }} "
                "өтініш бойынша дайындады, өтініштің тіркелген күні: {{ case.received_on }}.",
            ),
            *SIGNATURE_KK,
        ],
    ),
    (
        Purpose.APPLICANT_ANSWER,
        "ru",
        "Ответ заявителю",
        [
            *LETTERHEAD_RU,
            ("to", "{{ applicant.full_name }}"),
            ("to", "{%p if applicant.phone %}"),
            ("to", "тел. {{ applicant.phone }}"),
            ("to", "{%p endif %}"),
            ("title", "Уважаемый(-ая) {{ applicant.full_name }}!"),
            (
                "text",
                "Ваше обращение № {{ case.registration_number }} от {{ case.received_on }} по вопросу "
                "«{{ case.topic }}» ({{ case.kind }}) рассмотрено правовой клиникой территориального "
                "объединения профсоюзов ({{ center.name }}).",
            ),
            ("text", "Суть обращения: {{ case.summary }}"),
            ("text", "По результатам рассмотрения сообщаем: {{ case.decision }}"),
            (
                "text",
                "В случае несогласия с ответом Вы вправе обжаловать его в порядке, установленном "
                "законодательством Республики Казахстан, в том числе обратиться в суд.",
            ),
            ("text", "С уважением,"),
            *SIGNATURE_RU,
        ],
    ),
    (
        Purpose.APPLICANT_ANSWER,
        "kk",
        "Өтініш берушіге жауап",
        [
            *LETTERHEAD_KK,
            ("to", "{{ applicant.full_name }}"),
            ("to", "{%p if applicant.phone %}"),
            ("to", "тел. {{ applicant.phone }}"),
            ("to", "{%p endif %}"),
            ("title", "Құрметті {{ applicant.full_name }}!"),
            (
                "text",
                "«{{ case.topic }}» мәселесі бойынша № {{ case.registration_number }} болып тіркелген "
                "өтінішіңіз ({{ case.kind }}) қаралды. Өтініштің түскен күні: {{ case.received_on }}.",
            ),
            ("text", "Өтініштің мәні: {{ case.summary }}"),
            ("text", "Қарау нәтижелері бойынша хабарлаймыз: {{ case.decision }}"),
            (
                "text",
                "Жауаппен келіспеген жағдайда Сіз оған Қазақстан Республикасының заңнамасында белгіленген "
                "тәртіппен шағым жасауға, оның ішінде сотқа жүгінуге құқылысыз.",
            ),
            ("text", "Құрметпен,"),
            *SIGNATURE_KK,
        ],
    ),
    (
        Purpose.INSPECTORATE_REFERRAL,
        "ru",
        "Направление в инспекцию труда",
        [
            *LETTERHEAD_RU,
            ("to", "В местный орган по инспекции труда"),
            ("title", "О направлении обращения"),
            (
                "text",
                "В правовую клинику территориального объединения профсоюзов ({{ center.name }}) "
                "обратился(-ась) {{ applicant.full_name }} (ИИН {{ applicant.iin }}, "
                "тел. {{ applicant.phone }}) с обращением № {{ case.registration_number }} от "
                "{{ case.received_on }} по вопросу «{{ case.topic }}» о нарушении трудовых прав "
                "работодателем {{ employer.name }} (БИН {{ employer.bin }}{% if employer.address %}, "
                "{{ employer.address }}{% endif %}).",
            ),
            ("text", "Суть обращения: {{ case.summary }}"),
            (
                "text",
                "Поскольку проверка изложенных фактов относится к компетенции органов по инспекции "
                "труда, в соответствии с Трудовым кодексом Республики Казахстан направляем обращение "
                "для рассмотрения и принятия мер в пределах Вашей компетенции. О результатах просим "
                "сообщить заявителю и в правовую клинику.",
            ),
            ("text", "Приложение: копия обращения заявителя."),
            *SIGNATURE_RU,
        ],
    ),
    (
        Purpose.INSPECTORATE_REFERRAL,
        "kk",
        "Еңбек инспекциясына жолдама",
        [
            *LETTERHEAD_KK,
            ("to", "Еңбек инспекциясы жөніндегі жергілікті органға"),
            ("title", "Өтінішті жолдау туралы"),
            (
                "text",
                "{{ applicant.full_name }} (ЖСН {{ applicant.iin }}, тел. {{ applicant.phone }}) "
                "«{{ case.topic }}» мәселесі бойынша жұмыс берушінің, {{ employer.name }} (БСН "
                "{{ employer.bin }}{% if employer.address %}, {{ employer.address }}{% endif %}), еңбек "
                "құқықтарын бұзуы туралы өтінішпен жүгінді. Өтініш № {{ case.registration_number }} болып "
                "тіркелді, тіркелген күні: {{ case.received_on }}.",
            ),
            ("text", "Өтініштің мәні: {{ case.summary }}"),
            (
                "text",
                "Баяндалған фактілерді тексеру еңбек инспекциясы жөніндегі органдардың құзыретіне "
                "жататындықтан, Қазақстан Республикасының Еңбек кодексіне сәйкес өтінішті қарау және өз "
                "құзыретіңіз шегінде шаралар қабылдау үшін жолдаймыз. Нәтижесі туралы өтініш берушіге "
                "және құқықтық клиникаға хабарлауыңызды сұраймыз.",
            ),
            ("text", "Қосымша: өтініш берушінің өтінішінің көшірмесі."),
            *SIGNATURE_KK,
        ],
    ),
]

# One date for every part of the package: the same template, the same bytes.
_FIXED_ZIP_TIME = (2026, 1, 1, 0, 0, 0)


def _styled(document, style: str, text: str) -> None:
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    layout = paragraph.paragraph_format
    layout.space_after = Pt(0)
    if style in ("to", "head"):
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if style == "to" else WD_ALIGN_PARAGRAPH.CENTER
        run.italic = style == "head"
    elif style == "ref":
        layout.space_before, layout.space_after = Pt(12), Pt(12)
    elif style == "title":
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run.bold = True
        layout.space_before = Pt(12)
    elif style == "text":
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        layout.first_line_indent = Cm(1.25)
        layout.space_before = Pt(6)
    elif style == "sign":
        layout.space_before = Pt(24)


def template_docx(name: str, paragraphs: Paragraphs) -> bytes:
    """A template as DOCX bytes: Times New Roman 14, A4 with the margins of Kazakhstan's office letters."""
    document = Document()
    font = document.styles["Normal"].font
    font.name, font.size = "Times New Roman", Pt(14)
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    section.top_margin = section.bottom_margin = Cm(2)
    properties = document.core_properties
    properties.title, properties.author, properties.comments = name, "", ""
    for style, text in paragraphs:
        _styled(document, style, text)
    built = io.BytesIO()
    document.save(built)
    # python-docx stamps each part of the package with the time of saving: restamp them all.
    fixed = io.BytesIO()
    with zipfile.ZipFile(built) as source, zipfile.ZipFile(fixed, "w") as target:
        for item in source.infolist():
            stamped = zipfile.ZipInfo(item.filename, _FIXED_ZIP_TIME)
            stamped.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(stamped, source.read(item.filename))
    return fixed.getvalue()


# The files built in this process, by name: the same bytes every time (template_docx is deterministic),
# so a second load (each test module seeds the reference data) does not build them again.
_BUILT: dict[str, bytes] = {}


def _built(name: str, paragraphs: Paragraphs) -> bytes:
    if name not in _BUILT:
        _BUILT[name] = template_docx(name, paragraphs)
    return _BUILT[name]


@transaction.atomic
def letter_templates_load() -> int:
    """Create the federation's templates missing from the database; return how many were created."""
    existing = set(LetterTemplate.objects.filter(center__isnull=True).values_list("language", "name"))
    created = 0
    for purpose, language, name, paragraphs in TEMPLATES:
        if (language, name) in existing:
            continue
        letter_template_save(
            by=None,
            upload=ContentFile(_built(name, paragraphs), name=f"{name}.docx"),
            name=name,
            purpose=purpose,
            language=language,
        )
        created += 1
    return created
