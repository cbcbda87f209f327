using System.Net;
using System.Reflection;
using P2P.Fuzz.Engine;
using P2P.Node.Wire;

namespace P2P.Fuzz.Targets;

/// <summary>
/// WireCodec.TryDecode, the first thing every UDP datagram meets. An accepted message must re-encode (Encode
/// re-validates, so an ArgumentException there means the decoder let through what the encoder forbids), and
/// the re-encoding must decode to a message that encodes to the same bytes.
/// </summary>
public sealed class WireTarget : IFuzzTarget
{
    public string Name => "wire";

    public int MaxInputLength => 8192;

    public IReadOnlyList<byte[]> Dictionary { get; } =
    [
        [WireCodec.Version, 1], [WireCodec.Version, 4], [WireCodec.Version, 6], [WireCodec.Version, 7], [WireCodec.Version, 16],
        [WireCodec.Version, 20], [0x91], [0x92], [0x93], [0x90], [0xC0], [0xC2], [0xC3], [0xC4, 0x26], [0xC4, 0x24], [0xC4, 0x04], [0x7F, 0x00, 0x00, 0x01],
        [0x00, 0x24, 0x08, 0x01, 0x12, 0x20], [0x01, 0x55, 0x12, 0x20], [0x12, 0x20],
    ];

    public string Execute(ReadOnlySpan<byte> input)
    {
        var bytes = input.ToArray();
        if (!WireCodec.TryDecode(bytes, out var message, out var error))
        {
            if (string.IsNullOrEmpty(error) || message is not null)
                throw new FuzzInvariantException("WireCodec.TryDecode failed without an error, or with a message");
            return "rejected: " + error;
        }
        if (message is null || error is not null)
            throw new FuzzInvariantException("WireCodec.TryDecode succeeded without a message, or with an error");
        byte[] encoded;
        try
        {
            encoded = WireCodec.Encode(message);
        }
        catch (ArgumentException e)
        {
            throw new FuzzInvariantException($"decoded {message.Type} cannot be encoded again", e);
        }
        if (!WireCodec.TryDecode(encoded, out var again, out var againError))
            throw new FuzzInvariantException($"re-encoded {message.Type} does not decode: {againError}");
        if (again!.GetType() != message.GetType() || !WireCodec.Encode(again).AsSpan().SequenceEqual(encoded))
            throw new FuzzInvariantException($"{message.Type} encoding is not stable");
        return "ok " + message.Type;
    }

    /// <summary>One filled-in message of every type, built by reflection so new message types get seeds too.</summary>
    public IEnumerable<byte[]> Seeds()
    {
        var types = typeof(WireMessage).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(WireMessage)) && !t.IsAbstract)
            .OrderBy(t => t.FullName, StringComparer.Ordinal);
        foreach (var type in types)
        {
            var message = (WireMessage)Activator.CreateInstance(type)!;
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
                property.SetValue(message, SampleValue(property));
            byte[]? encoded;
            try
            {
                encoded = WireCodec.Encode(message);
            }
            catch (ArgumentException)
            {
                encoded = null;
            }
            if (encoded is not null)
                yield return encoded;
        }
    }

    private static object? SampleValue(PropertyInfo property)
    {
        var name = property.Name;
        var type = property.PropertyType;
        if (type == typeof(ulong))
            return 0x1234_5678UL;
        if (type == typeof(int))
            return 3;
        if (type == typeof(bool))
            return true;
        if (type == typeof(byte[]))
            return name switch
            {
                _ when name.Contains("Cid", StringComparison.Ordinal) => Samples.CidRaw.Bytes.ToArray(),
                "Data" => "block bytes"u8.ToArray(),
                "Key" => Samples.Sha256.Bytes.ToArray(),
                _ => Samples.Peer.NodeId.ToArray(),
            };
        if (type == typeof(List<byte[]>))
            return new List<byte[]> { Samples.CidRaw.Bytes.ToArray(), Samples.CidV0.Bytes.ToArray() };
        if (type == typeof(WireContact))
            return Contact();
        if (type == typeof(List<WireContact>))
            return new List<WireContact> { Contact(), Contact() };
        return property.GetValue(Activator.CreateInstance(property.DeclaringType!));
    }

    private static WireContact Contact() => WireContact.From(Samples.Peer, new IPEndPoint(IPAddress.Loopback, 4001));
}
