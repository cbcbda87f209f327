using P2P.Node.Security;

namespace P2P.Node.Tests.Naming;

/// <summary>
/// Records made by the reference JavaScript library (npm ipns 10.1.6, createIPNSRecordWithExpiration) with the
/// Ed25519 key whose seed is the bytes 01..20, value /ipfs/bafkqaddwgevxmmraojswg33smq, sequence 7, expiration
/// 2126-01-01T00:00:00Z and TTL 5 min (tests/interop/ipns/interop.mjs `make`), with the names it printed.
/// </summary>
internal static class IpnsVectors
{
    public const string Name = "k51qzi5uqu5dj7skeind43o1an76ns1q5g2bupqw6o1hmcccenbkvalzo2olt0";
    public const string PeerId = "12D3KooWJ1TsijH7H5F74hfAD5XishQz3sxrmAtVY37GtNd9CqYf";
    public const string Value = "/ipfs/bafkqaddwgevxmmraojswg33smq";
    public const string Validity = "2126-01-01T00:00:00.000000000Z";

    public static readonly byte[] V1V2 = Convert.FromBase64String(
        "CiEvaXBmcy9iYWZrcWFkZHdnZXZ4bW1yYW9qc3dnMzNzbXESQMXV4KR5qHy8/iB6nAMAHlsxzm4RuOVx9kQP5D6jcPfIjFDgnybjUHgQJSzEz2r9iDU8nJY4" +
        "SbpBn0tfNfjWyg8YACIeMjEyNi0wMS0wMVQwMDowMDowMC4wMDAwMDAwMDBaKAcwgPCSy90IQkCVnciI39qKoler/oz/n49tioP0Yl3ybvkX7TKHM2IoyUCE" +
        "fx88bM+MKLB1rc1TM0LWxhG9xGY4w6AtbWrAZc0CSnilY1RUTBsAAABF2WS4AGVWYWx1ZVghL2lwZnMvYmFma3FhZGR3Z2V2eG1tcmFvanN3ZzMzc21xaFNl" +
        "cXVlbmNlB2hWYWxpZGl0eVgeMjEyNi0wMS0wMVQwMDowMDowMC4wMDAwMDAwMDBabFZhbGlkaXR5VHlwZQA=");

    public static readonly byte[] V2 = Convert.FromBase64String(
        "QkCVnciI39qKoler/oz/n49tioP0Yl3ybvkX7TKHM2IoyUCEfx88bM+MKLB1rc1TM0LWxhG9xGY4w6AtbWrAZc0CSnilY1RUTBsAAABF2WS4AGVWYWx1ZVgh" +
        "L2lwZnMvYmFma3FhZGR3Z2V2eG1tcmFvanN3ZzMzc21xaFNlcXVlbmNlB2hWYWxpZGl0eVgeMjEyNi0wMS0wMVQwMDowMDowMC4wMDAwMDAwMDBabFZhbGlk" +
        "aXR5VHlwZQA=");

    /// <summary>The library's signed data for these values: the DAG-CBOR map in TTL, Value, Sequence, Validity, ValidityType order.</summary>
    public const string DataHex =
        "a56354544c1b00000045d964b8006556616c756558212f697066732f6261666b7161646477676576786d6d72616f6a7377673333736d71685365" +
        "7175656e6365076856616c6964697479581e323132362d30312d30315430303a30303a30302e3030303030303030305a6c56616c69646974795479706500";

    public static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    public static NodeIdentity Key() => NodeIdentity.FromPrivateKey(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
}
