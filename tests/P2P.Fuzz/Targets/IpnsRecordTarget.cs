using P2P.Fuzz.Engine;
using P2P.Node.Naming;
using P2P.Node.Security;

namespace P2P.Fuzz.Targets;

/// <summary>
/// IpnsRecord.TryParse and IpnsValidator.Validate on hostile record bytes (what the DHT and the resolver receive):
/// neither throws; a valid record parses to the same fields; a parsed record equals itself under Compare.
/// </summary>
public sealed class IpnsRecordTarget : IFuzzTarget
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private static readonly NodeIdentity Key = NodeIdentity.FromPrivateKey(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly IpnsName SeedName = IpnsName.FromPeerId(Key.PeerId);

    public string Name => "ipns-record";

    public int MaxInputLength => IpnsRecord.MaxSize + 64;

    public IReadOnlyList<byte[]> Dictionary { get; } =
        [[0x42, 0x40], [0x4a], [0x3a, 0x24, 0x08, 0x01, 0x12, 0x20], "Value"u8.ToArray(), "Validity"u8.ToArray(), "ValidityType"u8.ToArray(),
         "Sequence"u8.ToArray(), "TTL"u8.ToArray(), "2126-01-01T00:00:00Z"u8.ToArray(), [0xa5], [0x1b]];

    public string Execute(ReadOnlySpan<byte> input)
    {
        var parsed = IpnsRecord.TryParse(input, out var record, out var parseError);
        if (!parsed && string.IsNullOrEmpty(parseError))
            throw new FuzzInvariantException("IpnsRecord.TryParse failed without a reason");
        var valid = IpnsValidator.Validate(SeedName, input, Now, out var checkedRecord, out var rejection, out var reason);
        if (!valid)
        {
            if (string.IsNullOrEmpty(reason) || rejection == IpnsRejection.None)
                throw new FuzzInvariantException("Validate refused without a reason or a kind");
            if (parsed && rejection is IpnsRejection.Malformed or IpnsRejection.TooLarge)
                throw new FuzzInvariantException($"Validate called a record TryParse accepted {rejection}");
            return parsed ? $"parsed, refused: {rejection}" : "rejected: " + parseError.Split(':')[0];
        }
        if (!parsed || checkedRecord is null)
            throw new FuzzInvariantException("Validate accepted what TryParse refused");
        if (checkedRecord.Sequence != record.Sequence || checkedRecord.Value != record.Value || checkedRecord.Validity != record.Validity)
            throw new FuzzInvariantException("Validate and TryParse read different fields");
        if (IpnsValidator.Compare(record, checkedRecord) != 0)
            throw new FuzzInvariantException("a record does not compare equal to itself");
        return $"valid{(record.HasV1Fields ? " v1" : "")}";
    }

    public IEnumerable<byte[]> Seeds()
    {
        var eol = new DateTimeOffset(2126, 1, 1, 0, 0, 0, TimeSpan.Zero);
        return
        [
            IpnsRecord.Create(Key, "/ipfs/bafkqaddwgevxmmraojswg33smq", 7, eol, TimeSpan.FromMinutes(5)),
            IpnsRecord.Create(Key, "/ipfs/bafkqaddwgevxmmraojswg33smq", 7, eol, TimeSpan.FromMinutes(5), v1Compatible: true),
            IpnsRecord.Create(Key, "/ipns/example.org", 1, Now.AddMinutes(-1), TimeSpan.Zero),
        ];
    }
}
