/* bench/gen.c: realistic residents for the benchmarks.
 *   bench-gen N RESIDENTS.csv NEEDS.csv SERVICES.csv
 * writes N residents as a GB18030 CSV a spreadsheet might have written
 * (the headers in Chinese, CRLF, quoted cells with commas): common
 * surnames most often, rare ones (单 解 仇 区) and some outside the BMP
 * (𠮷, given names with 𠈌 or 𡃁, about one in forty), unique valid
 * GB 11643 ID numbers from seven Sichuan counties, households of one to
 * five people sharing a household number and an address (the first the
 * head), categories (most none, some one or two), five villages of one
 * township; and beside them, in the same kind of file, about three needs
 * or services a resident (two to four, one in three a service): needs
 * (the need form: the resident by ID number, village, date, channel,
 * service, description, urgency, status) and care services (the
 * service_care form: date, village, kind of work, what was done, hours,
 * who is cared for, risk, visit notes), all as `shegong import` takes
 * them, choices by their Chinese labels.  A service's beneficiaries are
 * record ids, which the import does not look up by ID number: the
 * services name the resident in their notes only.
 * Deterministic: the same N gives the same files. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "valid.h"

static const char *const common[] = {
	"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高",
	"林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "曾",
	"彭", "蒋", "蔡", "邓", "袁", "苟", "母", "何", "文", "付",
};
static const char *const rare[] = {"单", "解", "仇", "区", "𠮷", "覃", "訾", "冉"};
static const char *const given1[] = {
	"秀", "桂", "建", "德", "玉", "志", "海", "文", "国", "春", "正", "小", "子", "梓", "浩",
	"一", "欣", "宇", "雨", "明", "天", "永", "光", "兴", "福", "贵", "平", "安",
};
static const char *const given2[] = {
	"英", "兰", "国", "明", "强", "燕", "华", "丽", "军", "勇", "芳", "敏", "静", "磊", "洋",
	"艳", "杰", "娟", "涵", "萱", "然", "诺", "怡", "轩", "桐", "花", "福", "丰", "",
};
static const char *const nonbmp[] = {"𠈌", "𡃁", "𠀾"};
static const char *const counties[] = {"510421", "510122", "511621", "513221", "510681", "511923", "513427"};
static const char *const villages[] = {"安宁村", "龙华村", "丙谷村", "垭口村", "草场村"};
static const char *const relations[] = {"户主", "配偶", "子女", "父母", "孙子女"};
static const char *const cats[] = {"低保", "特困供养", "残疾人", "留守儿童", "独居老人", "空巢老人", "退役军人"};
static const char *const services[] = {"需求评估", "社会救助", "老幼关爱", "社区治理", "资源链接", "生计发展"};
static const char *const channels[] = {"入户走访", "来访", "电话", "网格员", "他人转介"};
static const char *const urgencies[] = {"一般", "一般", "较急", "紧急"};
static const char *const work_kinds[] = {"入户走访", "入户走访", "个案", "小组", "社区活动"};
static const char *const care_targets[] = {"独居老人", "留守儿童", "空巢老人", "空巢老人"};
static const char *const risks[] = {"低", "低", "中", "高"};
static const char *const cares[] = {
	"入户探访，了解饮食起居", "陪同就医，协助取药", "课后陪伴，辅导作业", "电话问候，提醒服药",
	"协调邻里定期照看", "送米送油，检查用电安全",
};
static const char *const needs[] = {
	"入户走访发现老人独居，需定期探访", "申请低保复核，材料待补齐", "孩子放学后无人照看",
	"房屋漏雨，需协调危房改造", "希望参加技能培训，找本地工作", "慢性病用药负担重",
	"残疾人辅具申请", "邻里纠纷，需调解",
};

static unsigned
rnd(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 8) & 0xFFFFFF;
}
#define PICK(a, s) (a[rnd(s) % (sizeof a / sizeof *a)])

static void
put_gb(FILE *f, const char *utf8)
{
	char *out;
	size_t len;
	if (text_conv("GB18030", "UTF-8", utf8, strlen(utf8), &out, &len, NULL) == 0) {
		fwrite(out, 1, len, f);
		free(out);
	}
}

int
main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: bench-gen N RESIDENTS.csv NEEDS.csv SERVICES.csv\n");
		return 2;
	}
	long n = atol(argv[1]);
	FILE *f = fopen(argv[2], "wb"), *g = fopen(argv[3], "wb"), *sv = fopen(argv[4], "wb");
	if (n <= 0 || !f || !g || !sv)
		return 1;
	put_gb(f, "姓名,身份证号,性别,电话,村(社区),组,住址,户号,与户主关系,人员类别,备注\r\n");
	put_gb(g, "谁的需求,居民,村(社区),登记日期,需求来源,服务,需求描述,紧急程度,状态\r\n");
	put_gb(sv, "日期,村(社区),服务方式,服务内容,社工时长,关爱对象,风险程度,走访情况\r\n");
	unsigned s = 20260315u;
	long hh = 0, left = 0;
	char addr[128] = "", hno[32] = "", village[32] = "";
	int group = 1;
	for (long i = 0; i < n; i++) {
		bool head = false;
		if (left == 0) {   /* a new household of 1 to 5 */
			left = 1 + rnd(&s) % 5;
			hh++;
			head = true;
			snprintf(village, sizeof village, "%s", PICK(villages, &s));
			group = 1 + (int)(rnd(&s) % 8);   /* the demo villages have groups 1-8 */
			snprintf(addr, sizeof addr, "%s%d组%ld号", village, group, 1 + hh % 300);
			snprintf(hno, sizeof hno, "HH%08ld", hh);
		}
		left--;
		char name[64], id[20], line[1024], cat[64] = "";
		unsigned r = rnd(&s) % 100;
		snprintf(name, sizeof name, "%s%s%s", r < 4 ? PICK(rare, &s) : PICK(common, &s),
		         rnd(&s) % 40 == 0 ? PICK(nonbmp, &s) : PICK(given1, &s), PICK(given2, &s));
		long day = i / 1000, seq = i % 1000;
		snprintf(id, sizeof id, "%s%04ld%02ld%02ld%03ld", counties[day % 7], 1930 + day / 336 % 80,
		         1 + day / 28 % 12, 1 + day % 28, seq);
		id[17] = valid_id_checkchar(id);
		id[18] = '\0';
		unsigned c = rnd(&s) % 10;
		if (c >= 6)
			snprintf(cat, sizeof cat, "%s", PICK(cats, &s));
		if (c == 9)
			snprintf(cat + strlen(cat), sizeof cat - strlen(cat), ",%s", PICK(cats, &s));
		snprintf(line, sizeof line, "%s,%s,%s,1%02u%08u,%s,%d组,\"%s攀莲镇, %s\",%s,%s,\"%s\",%s\r\n", name,
		         id, seq % 2 ? "男" : "女", 30 + rnd(&s) % 60, rnd(&s) % 100000000u, village, group,
		         "米易县", addr, hno, head ? "户主" : relations[1 + rnd(&s) % 4],
		         strstr(cat, "低保,低保") ? "低保" : cat, rnd(&s) % 5 == 0 ? "入户走访，情况已核实" : "");
		put_gb(f, line);
		int k = 2 + (int)(rnd(&s) % 3);   /* 2..4, about three */
		for (int j = 0; j < k; j++) {
			unsigned month = 1 + rnd(&s) % 12, mday = 1 + rnd(&s) % 28;
			if (rnd(&s) % 3 == 0) {
				/* a care service; the notes name the resident, with a comma */
				snprintf(line, sizeof line, "2025-%02u-%02u,%s,%s,%s,%u.%u,%s,%s,\"%s（%s）, 已回访\"\r\n",
				         month, mday, village, PICK(work_kinds, &s), PICK(cares, &s),
				         1 + rnd(&s) % 3, rnd(&s) % 2 * 5, PICK(care_targets, &s), PICK(risks, &s),
				         name, id);
				put_gb(sv, line);
			} else {
				snprintf(line, sizeof line, "个人,%s,%s,2025-%02u-%02u,%s,%s,\"%s%s\",%s,待处理\r\n", id,
				         village, month, mday, PICK(channels, &s), PICK(services, &s),
				         PICK(needs, &s), rnd(&s) % 4 == 0 ? ", 已电话联系家属" : "",
				         PICK(urgencies, &s));
				put_gb(g, line);
			}
		}
	}
	return fclose(f) || fclose(g) || fclose(sv) ? 1 : 0;
}
