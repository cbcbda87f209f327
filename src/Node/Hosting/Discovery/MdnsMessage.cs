namespace P2P.Node.Hosting.Discovery;

/// <summary>
/// A decoded mDNS message (RFC 6762 §18): whether it is a response, its questions, and its records (answer,
/// authority and additional sections together: DNS-SD responders put TXT records in any of them, RFC 6763 §12).
/// Decode with <see cref="MdnsReader.TryRead"/>; encode with <see cref="MdnsWriter"/>.
/// </summary>
public sealed record MdnsMessage(bool IsResponse, IReadOnlyList<MdnsQuestion> Questions, IReadOnlyList<MdnsRecord> Records)
{
    public const ushort TypeA = 1;
    public const ushort TypePtr = 12;
    public const ushort TypeTxt = 16;
    public const ushort TypeAny = 255;
    public const ushort ClassIn = 1;

    /// <summary>The top bit of a question's class asks for a unicast reply; of a record's class, flushes caches (RFC 6762 §10.2, §18.12).</summary>
    public const ushort TopBit = 0x8000;

    /// <summary>The largest mDNS message, IP and UDP headers included (RFC 6762 §17); nothing larger is read.</summary>
    public const int MaxBytes = 9000;
}
