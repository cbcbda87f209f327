using MessagePack;

namespace P2P.Node.Wire;

/// <summary>
/// The <c>[Key(0)]</c> layout of a message that is one CID list, an array of 1 (Have, DontHave, Cancel); see
/// <see cref="WireArrayFormatter{T}"/>.
/// </summary>
internal sealed class CidListMessageFormatter<T> : WireArrayFormatter<T> where T : class, ICidListMessage, new()
{
    protected override int Count => 1;

    protected override void WriteElements(ref MessagePackWriter writer, T value, MessagePackSerializerOptions options) =>
        WireElements.WriteCids(ref writer, value.Cids);

    protected override bool ReadElement(ref MessagePackReader reader, T value, int key, MessagePackSerializerOptions options)
    {
        if (key != 0)
            return false;
        value.Cids = WireElements.ReadCids(ref reader, options)!;
        return true;
    }
}
