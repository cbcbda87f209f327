using P2P.Dht.Values;

namespace P2P.Node.Naming;

/// <summary>
/// The DHT's validator for the "ipns" namespace: a value stored or read under <c>/ipns/&lt;multihash&gt;</c> must be
/// a valid, unexpired record of that name (<see cref="IpnsValidator"/>), and of two valid records the higher sequence
/// (then the later end of validity) is newer. Every node of the network runs it, so a forged, expired or oversized
/// record is refused wherever it arrives.
/// </summary>
public sealed class IpnsDhtValidator(TimeProvider time) : IValueValidator
{
    public const string Namespace = "ipns";

    public bool Validate(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, out string reason)
    {
        if (!IpnsName.TryFromRoutingKey(key, out var name, out var error))
        {
            reason = error;
            return false;
        }
        return IpnsValidator.Validate(name, value, time.GetUtcNow(), out reason);
    }

    public int Compare(ReadOnlySpan<byte> key, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        // Both passed Validate; a record that no longer parses (it cannot, but nothing here may throw) is the older.
        var okA = IpnsRecord.TryParse(a, out var recordA, out _);
        var okB = IpnsRecord.TryParse(b, out var recordB, out _);
        if (!okA || !okB)
            return okA.CompareTo(okB);
        return IpnsValidator.Compare(recordA, recordB);
    }
}
