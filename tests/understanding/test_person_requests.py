"""A request for a person in each of the 35 languages (policy 10: it always wins), and sentences
that mention people, staff or customer service without asking for one.

These phrasings are written for this test, apart from the intent examples the lexicon is measured
on (`python -m bench.intents.lexicon_check`): they check that the cues generalise, with and
without diacritics, in capitals, and in scripts without spaces between words.
"""

from __future__ import annotations

import re
import time

import pytest

from klarsvar.understanding import lexicon, person_cues
from klarsvar.understanding.language import SUPPORTED

REQUESTS: dict[str, list[str]] = {
    "en": ["Could you put me through to a human being?", "I'd rather speak to someone from your team",
           "Are you a bot?", "is anyone alive over there", "AGENT NOW", "Get me a customer service rep please",
           "I don't want to chat with a bot anymore", "Can a colleague of yours call me back?"],
    "sv": ["Kan du koppla mig till en handläggare?", "jag vill prata med nån på riktigt", "Är du en robot?",
           "manniska tack", "Kan någon från er ringa mig?", "Jag vill inte chatta med en bot"],
    "da": ["Kan jeg få lov at tale med en medarbejder?", "Stil mig venligst om til kundeservice",
           "Er du en robot?", "menneske tak", "Jeg vil ikke skrive med en bot", "Kan nogen fra jer ringe til mig?"],
    "nb": ["Kan jeg få snakke med en saksbehandler?", "Sett meg over til kundeservice, takk", "Er du en robot?",
           "Jeg vil snakke med et ekte menneske", "Kan noen fra dere ringe meg?", "menneske takk"],
    "fi": ["Voisitteko yhdistää minut asiakaspalvelijalle?", "Haluan jutella oikean ihmisen kanssa",
           "Oletko botti?", "ihminen kiitos", "Voiko joku teiltä soittaa minulle?", "En halua puhua robotin kanssa"],
    "de": ["Können Sie mich bitte mit einem Mitarbeiter verbinden?", "Ich möchte lieber mit einem Menschen reden",
           "Bist du ein Bot?", "Kundenservice bitte", "Kann mich jemand von Ihnen zurückrufen?",
           "ich will keinen bot, ich will einen echten menschen", "MITARBEITER BITTE"],
    "nl": ["Kunt u mij doorverbinden met een medewerker?", "Ik wil graag een echt mens spreken", "Ben je een bot?",
           "medewerker graag", "Kan iemand van jullie mij terugbellen?", "Ik wil niet met een robot praten"],
    "fr": ["Pouvez-vous me mettre en relation avec un conseiller ?", "Je préfère parler à un être humain",
           "Vous êtes un robot ?", "un conseiller svp", "Quelqu'un de chez vous peut me rappeler ?",
           "je veux pas parler a un bot", "je voudrais parler a quelqu un de votre equipe"],
    "es": ["¿Me puede pasar con un agente, por favor?", "Prefiero hablar con una persona de verdad", "¿Eres un bot?",
           "un asesor por favor", "¿Alguien de Lumo me puede llamar?", "no quiero hablar con una maquina"],
    "it": ["Mi può passare un operatore, per favore?", "Preferisco parlare con un essere umano", "Sei un bot?",
           "operatore per favore", "Qualcuno di voi può richiamarmi?", "Non voglio parlare con un robot"],
    "pt": ["Pode passar-me a um atendente, por favor?", "Prefiro falar com uma pessoa de verdade", "Você é um robô?",
           "um atendente por favor", "Alguém da vossa equipa pode ligar-me?", "não quero falar com um bot"],
    "pl": ["Czy może mnie Pan połączyć z konsultantem?", "Wolę porozmawiać z żywym człowiekiem", "Jesteś botem?",
           "konsultant prosze", "Czy ktoś od was może do mnie zadzwonić?", "nie chce gadac z botem"],
    "cs": ["Můžete mě přepojit na operátora?", "Radši bych mluvil se skutečným člověkem", "Jsi robot?",
           "operator prosim", "Může mi někdo z vás zavolat?", "nechci mluvit s robotem"],
    "sk": ["Môžete ma prepojiť na operátora?", "Radšej by som hovoril so skutočným človekom", "Si robot?",
           "operator prosim", "Môže mi niekto z vás zavolať?", "nechcem hovoriť s robotom"],
    "hu": ["Kapcsolna egy ügyintézőhöz?", "Inkább egy igazi emberrel szeretnék beszélni", "Robot vagy?",
           "ügyintézőt kérek", "Fel tudna hívni valaki önöktől?", "nem akarok robottal beszélni"],
    "ro": ["Mă puteți transfera la un operator?", "Aș prefera să vorbesc cu un om adevărat", "Ești un robot?",
           "un operator va rog", "Mă poate suna cineva de la voi?", "nu vreau sa vorbesc cu un bot"],
    "bg": ["Можете ли да ме свържете с оператор?", "Искам да говоря с истински човек", "Робот ли си?",
           "оператор моля", "Може ли някой от вас да ми се обади?", "не искам да говоря с бот"],
    "el": ["Μπορείτε να με συνδέσετε με έναν εκπρόσωπο;", "Θέλω να μιλήσω με πραγματικό άνθρωπο",
           "Είσαι ρομπότ;", "εκπρόσωπο παρακαλώ", "Μπορεί κάποιος από εσάς να με καλέσει;",
           "δεν θέλω να μιλάω με bot"],
    "hr": ["Možete li me spojiti s operaterom?", "Radije bih razgovarao sa stvarnom osobom", "Jesi li ti robot?",
           "operater molim", "Može li me netko od vas nazvati?", "ne želim razgovarati s botom"],
    "sl": ["Me lahko povežete z operaterjem?", "Raje bi govoril z resnično osebo", "Si ti robot?",
           "operater prosim", "Me lahko kdo od vas pokliče?", "nočem govoriti z robotom"],
    "et": ["Kas saaksite mind klienditeenindajaga ühendada?", "Tahan rääkida päris inimesega", "Kas sa oled robot?",
           "klienditeenindaja palun", "Kas keegi teie meeskonnast saaks mulle helistada?", "ma ei taha robotiga rääkida"],
    "lv": ["Vai varat mani savienot ar konsultantu?", "Gribu runāt ar īstu cilvēku", "Vai tu esi robots?",
           "konsultants lūdzu", "Vai kāds no jums var man piezvanīt?", "negribu runāt ar botu"],
    "lt": ["Ar galite sujungti mane su konsultantu?", "Noriu kalbėti su tikru žmogumi", "Ar tu robotas?",
           "konsultantas prašau", "Ar kas nors iš jūsų gali man paskambinti?", "nenoriu kalbėti su robotu"],
    "ga": ["An féidir leat mé a cheangal le gníomhaire?", "Ba mhaith liom labhairt le duine daonna",
           "An bot thú?", "gníomhaire le do thoil", "Ní theastaíonn bot uaim, teastaíonn duine uaim"],
    "tr": ["Beni bir müşteri temsilcisine bağlayabilir misiniz?", "Gerçek bir insanla konuşmak istiyorum",
           "Sen bot musun?", "temsilci lütfen", "Ekibinizden biri beni arayabilir mi?", "botla konuşmak istemiyorum"],
    "ru": ["Соедините меня, пожалуйста, с оператором", "Я хочу поговорить с живым человеком", "Ты бот?",
           "оператора пожалуйста", "Может кто-нибудь из ваших мне перезвонить?", "не хочу общаться с роботом"],
    "uk": ["З'єднайте мене, будь ласка, з оператором", "Я хочу поговорити з живою людиною", "Ти бот?",
           "оператора будь ласка", "Може хтось із ваших мені передзвонити?", "не хочу спілкуватися з ботом"],
    "ar": ["ممكن توصلني بموظف خدمة العملاء؟", "أريد التحدث مع شخص حقيقي", "هل انت روبوت؟", "موظف من فضلك",
           "أبغى أكلم أحد من الموظفين", "ما أبي أكلم بوت", "حولني لموظف لو سمحت"],
    "he": ["אפשר לדבר עם נציג?", "אני רוצה לדבר עם בן אדם אמיתי", "אתה בוט?", "נציג בבקשה",
           "תעבירו אותי לנציג שירות", "לא רוצה לדבר עם רובוט"],
    "zh": ["帮我转人工", "我想跟真人客服聊", "你是机器人吗", "人工", "可以帮我联系一下你们的工作人员吗", "我不要跟机器人说话"],
    "ja": ["オペレーターにつないでください", "人と話したいです", "あなたはロボットですか？", "担当者をお願いします",
           "スタッフの方と話せますか", "人間と話したい"],
    "ko": ["상담원 연결해 주세요", "사람이랑 얘기하고 싶어요", "로봇이에요?", "상담원", "직원분이랑 통화할 수 있을까요?",
           "진짜 사람 바꿔 주세요"],
    "hi": ["मुझे किसी इंसान से बात करनी है", "कृपया मुझे कस्टमर केयर से जोड़ दीजिए", "क्या तुम रोबोट हो?",
           "एजेंट प्लीज़", "मुझे बॉट से बात नहीं करनी", "kisi insaan se baat karao"],
    "vi": ["Cho mình gặp nhân viên tư vấn", "Tôi muốn nói chuyện với người thật", "Bạn là bot à?",
           "nhân viên ơi", "toi muon gap nhan vien", "không muốn chat với bot nữa"],
    "id": ["Tolong sambungkan saya ke customer service", "Saya mau bicara dengan manusia", "Kamu bot ya?",
           "petugas dong", "Bisa minta petugas telepon saya?", "gak mau ngobrol sama bot"],
}

NEAR_MISSES: dict[str, list[str]] = {
    "en": ["I'm a person who pays on time, why was I charged a fee?", "Is my agent bank supported for payments?",
           "Please update my personal details", "The human resources dept of the merchant ordered it",
           "I want to return these shoes", "When will my refund arrive?", "Someone used my card",
           "The shop's customer service told me to contact you", "Can anyone use Lumo?"],
    "sv": ["Jag vill returnera skorna", "Butikens kundtjänst svarar inte", "Någon har använt mitt kort",
           "Hur ändrar jag mina personuppgifter?", "Jag är en person som alltid betalar i tid"],
    "da": ["Jeg vil returnere varen", "Butikkens kundeservice svarer ikke", "Nogen har brugt mit kort",
           "Pakken var til en anden person", "Hvornår får jeg min refusion?"],
    "nb": ["Jeg vil returnere skoene", "Butikkens kundeservice svarer ikke", "Noen har brukt kortet mitt",
           "Pakken var til en annen person", "Når kommer refusjonen min?"],
    "fi": ["Haluan palauttaa kengät", "Kaupan asiakaspalvelu ei vastaa", "Joku on käyttänyt korttiani",
           "Miten muutan henkilötietojani?", "Milloin saan hyvityksen?"],
    "de": ["Ich möchte die Schuhe zurückschicken", "Der Kundenservice des Händlers antwortet nicht",
           "Jemand hat meine Karte benutzt", "Wie ändere ich meine persönlichen Daten?",
           "Ich bin ein Mensch, der immer pünktlich zahlt", "Wann kommt meine Erstattung?"],
    "nl": ["Ik wil de schoenen retourneren", "De klantenservice van de winkel reageert niet",
           "Iemand heeft mijn kaart gebruikt", "Wanneer krijg ik mijn geld terug?", "Het pakket was voor een ander persoon"],
    "fr": ["Je veux retourner les chaussures", "Le service client du marchand ne répond pas",
           "Quelqu'un a utilisé ma carte", "Comment modifier mes données personnelles ?",
           "Personne ne m'a répondu", "Quand vais-je recevoir mon remboursement ?"],
    "es": ["Quiero devolver los zapatos", "El servicio al cliente de la tienda no contesta",
           "Alguien ha usado mi tarjeta", "¿Cómo cambio mis datos personales?", "El paquete era para otra persona"],
    "it": ["Voglio restituire le scarpe", "Il servizio clienti del negozio non risponde",
           "Qualcuno ha usato la mia carta", "Come cambio i miei dati personali?", "Il pacco era per un'altra persona"],
    "pt": ["Quero devolver os sapatos", "O apoio ao cliente da loja não responde", "Alguém usou o meu cartão",
           "Como altero os meus dados pessoais?", "A encomenda era para outra pessoa"],
    "pl": ["Chcę zwrócić buty", "Obsługa klienta sklepu nie odpowiada", "Ktoś użył mojej karty",
           "Jak zmienić dane osobowe?", "Paczka była dla innej osoby"],
    "cs": ["Chci vrátit boty", "Zákaznická podpora obchodu neodpovídá", "Někdo použil moji kartu",
           "Jak změním osobní údaje?", "Balík byl pro jinou osobu"],
    "sk": ["Chcem vrátiť topánky", "Zákaznícka podpora obchodu neodpovedá", "Niekto použil moju kartu",
           "Ako zmením osobné údaje?", "Balík bol pre inú osobu"],
    "hu": ["Vissza szeretném küldeni a cipőt", "A bolt ügyfélszolgálata nem válaszol",
           "Valaki használta a kártyámat", "Hogyan módosíthatom a személyes adataimat?", "A csomag más személynek szólt"],
    "ro": ["Vreau să returnez pantofii", "Serviciul clienți al magazinului nu răspunde",
           "Cineva mi-a folosit cardul", "Cum îmi schimb datele personale?", "Coletul era pentru altă persoană"],
    "bg": ["Искам да върна обувките", "Обслужването на клиенти на магазина не отговаря",
           "Някой е използвал картата ми", "Как да сменя личните си данни?", "Пратката беше за друг човек"],
    "el": ["Θέλω να επιστρέψω τα παπούτσια", "Η εξυπηρέτηση πελατών του καταστήματος δεν απαντά",
           "Κάποιος χρησιμοποίησε την κάρτα μου", "Πώς αλλάζω τα προσωπικά μου στοιχεία;"],
    "hr": ["Želim vratiti cipele", "Korisnička služba trgovine ne odgovara", "Netko je koristio moju karticu",
           "Kako promijeniti osobne podatke?", "Paket je bio za drugu osobu"],
    "sl": ["Želim vrniti čevlje", "Služba za stranke trgovine se ne odziva", "Nekdo je uporabil mojo kartico",
           "Kako spremenim osebne podatke?", "Paket je bil za drugo osebo"],
    "et": ["Tahan kingad tagastada", "Poe klienditeenindus ei vasta", "Keegi kasutas minu kaarti",
           "Kuidas muuta oma isikuandmeid?", "Pakk oli teise inimese jaoks"],
    "lv": ["Gribu atgriezt kurpes", "Veikala klientu serviss neatbild", "Kāds izmantoja manu karti",
           "Kā mainīt personas datus?", "Paka bija citam cilvēkam"],
    "lt": ["Noriu grąžinti batus", "Parduotuvės klientų aptarnavimas neatsako", "Kažkas panaudojo mano kortelę",
           "Kaip pakeisti asmens duomenis?", "Siuntinys buvo kitam žmogui"],
    "ga": ["Ba mhaith liom na bróga a thabhairt ar ais", "D'úsáid duine éigin mo chárta",
           "Conas a athraím mo shonraí pearsanta?", "Fuair mé beart duine eile"],
    "tr": ["Ayakkabıları iade etmek istiyorum", "Mağazanın müşteri hizmetleri cevap vermiyor",
           "Biri kartımı kullandı", "Kişisel bilgilerimi nasıl değiştiririm?", "Paket başka birine aitti"],
    "ru": ["Хочу вернуть обувь", "Служба поддержки магазина не отвечает", "Кто-то воспользовался моей картой",
           "Как изменить личные данные?", "Посылка была для другого человека"],
    "uk": ["Хочу повернути взуття", "Служба підтримки магазину не відповідає", "Хтось скористався моєю карткою",
           "Як змінити особисті дані?", "Посилка була для іншої людини"],
    "ar": ["أريد إرجاع الحذاء", "خدمة العملاء في المتجر لا ترد", "شخص ما استخدم بطاقتي",
           "كيف أغير بياناتي الشخصية؟", "الطرد كان لشخص آخر",
           "لحد الآن ما وصلني الطلب"],
    "he": ["אני רוצה להחזיר את הנעליים", "שירות הלקוחות של החנות לא עונה", "מישהו השתמש בכרטיס שלי",
           "איך משנים פרטים אישיים?", "החבילה הייתה של מישהו אחר"],
    "zh": ["我想退货", "商家的客服不回复", "有人用了我的卡", "怎么修改个人信息？", "这个包裹是别人的"],
    "ja": ["靴を返品したいです", "お店のスタッフが返事をくれません", "誰かが私のカードを使いました",
           "個人情報を変更するには？", "他の人の荷物が届きました"],
    "ko": ["신발을 반품하고 싶어요", "가게 고객센터가 답을 안 해요", "누가 제 카드를 썼어요",
           "개인정보는 어떻게 바꾸나요?", "다른 사람 택배가 왔어요"],
    "hi": ["मुझे जूते वापस करने हैं", "दुकान की कस्टमर केयर जवाब नहीं दे रही", "किसी ने मेरा कार्ड इस्तेमाल किया",
           "मैं अपनी निजी जानकारी कैसे बदलूँ?", "कोई बात नहीं, रहने दो"],
    "vi": ["Tôi muốn trả lại đôi giày", "Nhân viên của cửa hàng không trả lời", "Có người đã dùng thẻ của tôi",
           "Làm sao đổi thông tin cá nhân?", "Gói hàng là của người khác"],
    "id": ["Saya mau mengembalikan sepatu", "Customer service toko tidak membalas", "Ada orang yang pakai kartu saya",
           "Bagaimana cara ubah data pribadi?", "Paketnya milik orang lain"],
}

REQUEST_CASES = [(lang, text) for lang, texts in REQUESTS.items() for text in texts]
NEAR_MISS_CASES = [(lang, text) for lang, texts in NEAR_MISSES.items() for text in texts]


def test_every_language_has_requests_and_near_misses() -> None:
    assert set(REQUESTS) == set(SUPPORTED) == set(NEAR_MISSES) == set(person_cues.CUES)
    for lang in SUPPORTED:
        assert len(REQUESTS[lang]) >= 5, lang
        assert len(NEAR_MISSES[lang]) >= 4, lang


@pytest.mark.parametrize(("lang", "text"), REQUEST_CASES)
def test_a_request_for_a_person(lang: str, text: str) -> None:
    assert lexicon.wants_person(text), (lang, text)


@pytest.mark.parametrize(("lang", "text"), NEAR_MISS_CASES)
def test_not_a_request_for_a_person(lang: str, text: str) -> None:
    assert not lexicon.wants_person(text), (lang, text)


@pytest.mark.parametrize(
    "text",
    ["MÄNNISKA", "manniska", "Människa", "CZŁOWIEK PROSZĘ", "czlowiek prosze", "ÜGYINTÉZŐT KÉREK",
     "ugyintezot kerek", "nguoi that", "NGƯỜI THẬT", "ŽMOGAUS PRAŠAU", "zmogaus prasau"],
)
def test_case_and_diacritics_do_not_matter(text: str) -> None:
    assert lexicon.wants_person(text), text


def test_cues_are_safe_to_fold() -> None:
    # fold() lower-cases every item: an upper-case class (\\W, \\S, \\D, \\B) would silently change meaning.
    for lang, cues in person_cues.CUES.items():
        for kind in ("explicit", "nouns", "someone", "asks", "talk", "fillers", "mentions", "not_a_request", "alone"):
            for item in getattr(cues, kind):
                assert not re.search(r"\\[WSDB]", item), (lang, kind, item)
                re.compile(lexicon.fold(item))


def test_a_long_message_is_read_quickly() -> None:
    text = "When is my next payment for the shoes I bought, and can you tell me about fees? " * 50
    started = time.perf_counter()
    assert not lexicon.wants_person(text)
    assert time.perf_counter() - started < 0.5
