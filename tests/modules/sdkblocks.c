/*
 * sdkblocks.c — a test module for the SDK 1.2 building blocks that need
 * a running server: three module parameters, one of each new kind
 * (sdkblocks-name: string "alpha"; sdkblocks-mode: enum fast|safe|paranoid,
 * "safe"; sdkblocks-verbose: yes/no, "no"), and commands that hand the
 * SDK's parsers and formatters to a client:
 *
 *   BLK.CONF            -> [name, mode index, verbose] as the module sees them
 *   BLK.D2S value       -> md_parse_double(value), replied with md_reply_double
 *   BLK.BOUND arg       -> [md_d2str(bound), exclusive] or "ERR min or max ..."
 *   BLK.RANGE start end len LIST|STRING -> [start, end] of md_range, or []
 */
#include <modis.h>

static const char *blk_name;
static int blk_mode, blk_verbose;
static const char *const blk_modes[] = {"fast", "safe", "paranoid", NULL};

static int blk_conf(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    (void)argc, (void)argv;
    md_reply_array(c, 3);
    md_reply_bulk(c, blk_name, md_str(blk_name).len);
    md_reply_int(c, blk_mode);
    return md_reply_int(c, blk_verbose);
}

static int blk_d2s(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    double d;
    (void)argc;
    if (md_parse_double(c, argv[1], &d) != MD_OK) return MD_OK;
    return md_reply_double(c, d);
}

static int blk_bound(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    double d;
    int ex;
    char buf[MD_D2STR_BUF];
    (void)argc;
    if (md_arg_score_bound(argv[1], &d, &ex) != MD_OK)
        return md_reply_error(c, MD_ERR_MIN_MAX_FLOAT);
    md_reply_array(c, 2);
    md_reply_bulk(c, buf, (size_t)md_d2str(buf, sizeof buf, d));
    return md_reply_int(c, ex);
}

static int blk_range(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    long long start, end, len;
    (void)argc;
    if (md_parse_ll(c, argv[1], &start) != MD_OK || md_parse_ll(c, argv[2], &end) != MD_OK ||
        md_parse_ll(c, argv[3], &len) != MD_OK)
        return MD_OK;
    int mode = md_arg_eq(argv[4], "string") ? MD_RANGE_STRING : MD_RANGE_LIST;
    if (!md_range(&start, &end, len, mode)) return md_reply_array(c, 0);
    md_reply_array(c, 2);
    md_reply_int(c, start);
    return md_reply_int(c, end);
}

static const md_command_t blk_commands[] = {
    {.name = "blk.conf", .handler = blk_conf, .arity = 1, .flags = "fast"},
    {.name = "blk.d2s", .handler = blk_d2s, .arity = 2, .flags = "fast"},
    {.name = "blk.bound", .handler = blk_bound, .arity = 2, .flags = "fast"},
    {.name = "blk.range", .handler = blk_range, .arity = 5, .flags = "fast"},
    {0}};

static int blk_on_load(int argc, const md_arg_t *argv)
{
    (void)argc, (void)argv;
    if (md_config_register_str("sdkblocks-name", &blk_name, "alpha") != MD_OK ||
        md_config_register_enum("sdkblocks-mode", &blk_mode, blk_modes, 1) != MD_OK ||
        md_config_register_bool("sdkblocks-verbose", &blk_verbose, 0) != MD_OK)
        return MD_ERR;
    /* a taken name is refused */
    if (md_config_register_bool("sdkblocks-name", &blk_verbose, 1) != MD_ERR) return MD_ERR;
    return md_commands_register(blk_commands);
}

MD_MODULE(blk_on_load,
          .name = "sdkblocks",
          .version = 1,
          .description = "test: SDK 1.2 parameters, doubles and ranges")
