/* fn_net.c -- IP addresses, URLs, paths, command lines, hashes. */
#include "exec.h"

const xfn_def xfn_net_defs[] = {
    {NULL, NULL, NULL, 0},
};
