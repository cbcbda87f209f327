using MessagePack;

namespace P2P.Node.Wire;

/// <summary>
/// The <c>[Key(n)]</c> layout of a DHT key query (FindNode, GetProviders), an array of 3; see
/// <see cref="WireArrayFormatter{T}"/>.
/// </summary>
internal sealed class KeyQueryMessageFormatter<T> : WireArrayFormatter<T> where T : class, IKeyQueryMessage, new()
{
    protected override int Count => 3;

    protected override void WriteElements(ref MessagePackWriter writer, T value, MessagePackSerializerOptions options)
    {
        writer.Write(value.RequestId);
        writer.Write(value.QueryKey);
        writer.Write(value.Client);
    }

    protected override bool ReadElement(ref MessagePackReader reader, T value, int key, MessagePackSerializerOptions options)
    {
        switch (key)
        {
            case 0:
                value.RequestId = reader.ReadUInt64();
                return true;
            case 1:
                value.QueryKey = WireElements.ReadBin(ref reader)!;
                return true;
            case 2:
                value.Client = reader.ReadBoolean();
                return true;
            default:
                return false;
        }
    }
}
