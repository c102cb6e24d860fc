/*
 * dtoa.c — doubles written exactly as Redis 7.4 writes them in replies
 * and stored scores (its d2string(), which calls fpconv_dtoa()).
 *
 * Digits come from Grisu2 (Loitsch, "Printing floating-point numbers
 * quickly and accurately with integers", 2010) with 64-bit cached powers
 * of ten: the result always reads back as the same double and is the
 * shortest such string for all but about 0.05% of inputs, which get a digit
 * or two more (a shorter form within a unit of the scaled interval's
 * edge). To print what Redis prints, every choice below is the one
 * fpconv makes: the cached power picked from the upper boundary's
 * exponent, the rounded 64x64 product, the boundaries narrowed by one
 * unit, the last digit nudged towards the value ("weeding"), and the
 * layout rules of dtoa_layout(). Pure: no allocation, no global state.
 */
#include "dtoa.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

typedef struct diy {
    uint64_t f;
    int e;
} diy_t;

/* 10^k for k = -348, -340, ..., 340: the significand rounded to nearest
 * (top bit set) and the binary exponent. */
static const diy_t cached[87] = {
    {18054884314459144840ULL, -1220}, {13451937075301367670ULL, -1193}, {10022474136428063862ULL, -1166},
    {14934650266808366570ULL, -1140}, {11127181549972568877ULL, -1113}, {16580792590934885855ULL, -1087},
    {12353653155963782858ULL, -1060}, {18408377700990114895ULL, -1034}, {13715310171984221708ULL, -1007},
    {10218702384817765436ULL, -980}, {15227053142812498563ULL, -954}, {11345038669416679861ULL, -927},
    {16905424996341287883ULL, -901}, {12595523146049147757ULL, -874}, {9384396036005875287ULL, -847},
    {13983839803942852151ULL, -821}, {10418772551374772303ULL, -794}, {15525180923007089351ULL, -768},
    {11567161174868858868ULL, -741}, {17236413322193710309ULL, -715}, {12842128665889583758ULL, -688},
    {9568131466127621947ULL, -661}, {14257626930069360058ULL, -635}, {10622759856335341974ULL, -608},
    {15829145694278690180ULL, -582}, {11793632577567316726ULL, -555}, {17573882009934360870ULL, -529},
    {13093562431584567480ULL, -502}, {9755464219737475723ULL, -475}, {14536774485912137811ULL, -449},
    {10830740992659433045ULL, -422}, {16139061738043178685ULL, -396}, {12024538023802026127ULL, -369},
    {17917957937422433684ULL, -343}, {13349918974505688015ULL, -316}, {9946464728195732843ULL, -289},
    {14821387422376473014ULL, -263}, {11042794154864902060ULL, -236}, {16455045573212060422ULL, -210},
    {12259964326927110867ULL, -183}, {18268770466636286478ULL, -157}, {13611294676837538539ULL, -130},
    {10141204801825835212ULL, -103}, {15111572745182864684ULL, -77}, {11258999068426240000ULL, -50},
    {16777216000000000000ULL, -24}, {12500000000000000000ULL, 3}, {9313225746154785156ULL, 30},
    {13877787807814456755ULL, 56}, {10339757656912845936ULL, 83}, {15407439555097886824ULL, 109},
    {11479437019748901445ULL, 136}, {17105694144590052135ULL, 162}, {12744735289059618216ULL, 189},
    {9495567745759798747ULL, 216}, {14149498560666738074ULL, 242}, {10542197943230523224ULL, 269},
    {15709099088952724970ULL, 295}, {11704190886730495818ULL, 322}, {17440603504673385349ULL, 348},
    {12994262207056124023ULL, 375}, {9681479787123295682ULL, 402}, {14426529090290212157ULL, 428},
    {10748601772107342003ULL, 455}, {16016664761464807395ULL, 481}, {11933345169920330789ULL, 508},
    {17782069995880619868ULL, 534}, {13248674568444952270ULL, 561}, {9871031767461413346ULL, 588},
    {14708983551653345445ULL, 614}, {10959046745042015199ULL, 641}, {16330252207878254650ULL, 667},
    {12166986024289022870ULL, 694}, {18130221999122236476ULL, 720}, {13508068024458167312ULL, 747},
    {10064294952495520794ULL, 774}, {14996968138956309548ULL, 800}, {11173611982879273257ULL, 827},
    {16649979327439178909ULL, 853}, {12405201291620119593ULL, 880}, {9242595204427927429ULL, 907},
    {13772540099066387757ULL, 933}, {10261342003245940623ULL, 960}, {15290591125556738113ULL, 986},
    {11392378155556871081ULL, 1013}, {16975966327722178521ULL, 1039}, {12648080533535911531ULL, 1066},};

#define FIRST_POWER (-348)
#define POWER_STEP 8
#define ALPHA (-60)
#define GAMMA (-32)
#define HIDDEN (1ULL << 52)

static const uint64_t pow10u[10] = {1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL,
                                    1000000ULL, 10000000ULL, 100000000ULL, 1000000000ULL};

/* The significand and exponent of a finite, nonzero |d|. */
static diy_t decompose(double d)
{
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    uint64_t frac = bits & (HIDDEN - 1);
    int bexp = (int)((bits >> 52) & 0x7ff);
    diy_t v;
    if (bexp) {
        v.f = frac + HIDDEN;
        v.e = bexp - 1075;
    } else {
        v.f = frac;
        v.e = -1074;
    }
    return v;
}

/* The neighbours' midpoints m- and m+, with m+ normalized (top bit set)
 * and m- brought to the same exponent. */
static void boundaries(diy_t v, diy_t *lo, diy_t *hi)
{
    hi->f = (v.f << 1) + 1;
    hi->e = v.e - 1;
    while (!(hi->f & (HIDDEN << 1))) {
        hi->f <<= 1;
        hi->e--;
    }
    hi->f <<= 10;
    hi->e -= 10;
    int shift = v.f == HIDDEN ? 2 : 1;  /* a power of two: closer below */
    lo->f = (v.f << shift) - 1;
    lo->e = v.e - shift;
    lo->f <<= lo->e - hi->e;
    lo->e = hi->e;
}

static diy_t normalize(diy_t v)
{
    while (!(v.f & HIDDEN)) {
        v.f <<= 1;
        v.e--;
    }
    v.f <<= 11;
    v.e -= 11;
    return v;
}

/* The cached power c = 10^k such that e + c.e + 64 lies in [ALPHA, GAMMA],
 * searched from fpconv's estimate. */
static diy_t cached_power(int e, int *k)
{
    int approx = (int)(-(e + 87) * 0.30102999566398114);
    int i = (approx - FIRST_POWER) / POWER_STEP;
    for (;;) {
        int cur = e + cached[i].e + 64;
        if (cur < ALPHA) i++;
        else if (cur > GAMMA) i--;
        else break;
    }
    *k = FIRST_POWER + i * POWER_STEP;
    return cached[i];
}

/* The 64 high bits of a.f * b.f, rounded. */
static diy_t multiply(diy_t a, diy_t b)
{
    unsigned __int128 p = (unsigned __int128)a.f * b.f + (1ULL << 63);
    diy_t r = {(uint64_t)(p >> 64), a.e + b.e + 64};
    return r;
}

/* Lower the last digit while that brings it closer to the scaled value
 * (`w` below the upper boundary) and stays within `delta`. */
static void weed(char *digits, int n, uint64_t delta, uint64_t rest, uint64_t ten_kappa,
                 uint64_t w)
{
    while (rest < w && delta - rest >= ten_kappa &&
           (rest + ten_kappa < w || w - rest > rest + ten_kappa - w)) {
        digits[n - 1]--;
        rest += ten_kappa;
    }
}

/* Digits of the scaled upper boundary, stopping as soon as what remains
 * is within delta; *K gets the decimal exponent of the last digit added. */
static int gen_digits(diy_t w, diy_t hi, diy_t lo, char *digits, int *K)
{
    uint64_t wdist = hi.f - w.f, delta = hi.f - lo.f;
    int shift = -hi.e;
    uint64_t one = 1ULL << shift;
    uint64_t p1 = hi.f >> shift, p2 = hi.f & (one - 1);
    int n = 0, kappa = 10;

    for (int i = 9; i >= 0; i--) {
        uint64_t div = pow10u[i], digit = p1 / div;
        if (digit || n) digits[n++] = (char)('0' + digit);
        p1 -= digit * div;
        kappa--;
        uint64_t rest = (p1 << shift) + p2;
        if (rest <= delta) {
            *K += kappa;
            weed(digits, n, delta, rest, div << shift, wdist);
            return n;
        }
    }
    for (uint64_t unit = 10;; unit *= 10) {
        p2 *= 10;
        delta *= 10;
        kappa--;
        uint64_t digit = p2 >> shift;
        if (digit || n) digits[n++] = (char)('0' + digit);
        p2 &= one - 1;
        if (p2 < delta) {
            *K += kappa;
            weed(digits, n, delta, p2, one, wdist * unit);
            return n;
        }
    }
}

/* Grisu2: the digits of |d| (finite, nonzero) and *K, the power of ten of
 * the last one. */
static int grisu2(double d, char *digits, int *K)
{
    diy_t v = decompose(d), lo, hi;
    int k;
    boundaries(v, &lo, &hi);
    diy_t w = normalize(v), c = cached_power(hi.e, &k);
    w = multiply(w, c);
    hi = multiply(hi, c);
    lo = multiply(lo, c);
    lo.f++;
    hi.f--;
    *K = -k;
    return gen_digits(w, hi, lo, digits, K);
}

/* The exponent as fpconv writes it: no padding, one to three digits. */
static int put_exp(char *out, int x)
{
    int n = 0;
    if (x > 99) out[n++] = (char)('0' + x / 100);
    if (x > 9) out[n++] = (char)('0' + x / 10 % 10);
    out[n++] = (char)('0' + x % 10);
    return n;
}

/* fpconv's layout of digits * 10^K: plain integer (with trailing zeros)
 * while the exponent is below ndigits + 7, plain decimal for K in (-7, 0)
 * or an exponent below 4, otherwise d.ddde+X / d.ddde-X. */
static int dtoa_layout(const char *digits, int nd, int K, int neg, char *out)
{
    int x = K + nd - 1, ax = x < 0 ? -x : x, n = 0;
    if (K >= 0 && ax < nd + 7) {
        memcpy(out, digits, (size_t)nd);
        memset(out + nd, '0', (size_t)K);
        return nd + K;
    }
    if (K < 0 && (K > -7 || ax < 4)) {
        int point = nd + K;          /* digits before the point */
        if (point <= 0) {
            out[n++] = '0';
            out[n++] = '.';
            memset(out + n, '0', (size_t)-point);
            n += -point;
            memcpy(out + n, digits, (size_t)nd);
            return n + nd;
        }
        memcpy(out, digits, (size_t)point);
        out[point] = '.';
        memcpy(out + point + 1, digits + point, (size_t)(nd - point));
        return nd + 1;
    }
    if (nd > 18 - neg) nd = 18 - neg;
    out[n++] = digits[0];
    if (nd > 1) {
        out[n++] = '.';
        memcpy(out + n, digits + 1, (size_t)(nd - 1));
        n += nd - 1;
    }
    out[n++] = 'e';
    out[n++] = x < 0 ? '-' : '+';
    return n + put_exp(out + n, ax);
}

/* Integral values Redis prints through ll2string (its double2ll()). */
static int as_integer(double d, long long *out)
{
    if (d < (double)(-LLONG_MAX / 2) || d > (double)(LLONG_MAX / 2)) return 0;
    long long ll = (long long)d;
    if ((double)ll != d) return 0;
    *out = ll;
    return 1;
}

int dtoa_redis(double d, char *buf, size_t cap)
{
    char tmp[DTOA_BUF], digits[20];
    int n = 0;
    long long ll;

    if (isnan(d)) {
        memcpy(tmp, "nan", 3);
        n = 3;
    } else if (isinf(d)) {
        n = d > 0 ? 3 : 4;
        memcpy(tmp, d > 0 ? "inf" : "-inf", (size_t)n);
    } else if (d == 0) {
        n = signbit(d) ? 2 : 1;
        memcpy(tmp, signbit(d) ? "-0" : "0", (size_t)n);
    } else if (as_integer(d, &ll)) {
        unsigned long long u = ll < 0 ? 0ULL - (unsigned long long)ll : (unsigned long long)ll;
        char rev[24];
        int r = 0;
        do {
            rev[r++] = (char)('0' + u % 10);
            u /= 10;
        } while (u);
        if (ll < 0) tmp[n++] = '-';
        while (r) tmp[n++] = rev[--r];
    } else {
        int K = 0, neg = d < 0;
        int nd = grisu2(d, digits, &K);
        if (neg) tmp[n++] = '-';
        n += dtoa_layout(digits, nd, K, neg, tmp + n);
    }
    if ((size_t)n >= cap) return 0;
    memcpy(buf, tmp, (size_t)n);
    buf[n] = '\0';
    return n;
}
