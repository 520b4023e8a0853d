/* libgit2 as Debian builds it (with mbedTLS) reads and decodes every CA
 * certificate of the system when it starts: 51 M instructions, 4 of the 10 ms
 * of a small run inside a git repository. Discovery only asks it for ignore
 * rules and never makes a connection, so the asynclint executable defines the
 * loader it calls and exports it (CMakeLists.txt: --export-dynamic-symbol):
 * libgit2, loaded later with dlopen, binds to this definition before
 * libmbedx509's, and starts with an empty certificate chain. A libgit2 built
 * with another TLS library never calls it. Only the executable has it: the
 * test programs keep the real one. */
int mbedtls_x509_crt_parse_file(void *chain, const char *path);

__attribute__((used, visibility("default"))) int mbedtls_x509_crt_parse_file(void *chain,
                                                                            const char *path)
{
    (void)chain;
    (void)path;
    return 0; /* "parsed, nothing failed": the chain stays empty */
}
