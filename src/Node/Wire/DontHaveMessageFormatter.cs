using MessagePack;

namespace P2P.Node.Wire;

/// <summary>The <c>[Key(n)]</c> layout of <see cref="DontHaveMessage"/>, an array of 1; see <see cref="WireArrayFormatter{T}"/>.</summary>
internal sealed class DontHaveMessageFormatter : WireArrayFormatter<DontHaveMessage>
{
    protected override int Count => 1;

    protected override void WriteElements(ref MessagePackWriter writer, DontHaveMessage value, MessagePackSerializerOptions options)
    {
        WireElements.WriteCids(ref writer, value.Cids);
    }

    protected override bool ReadElement(ref MessagePackReader reader, DontHaveMessage value, int key, MessagePackSerializerOptions options)
    {
        switch (key)
        {
            case 0:
                value.Cids = WireElements.ReadCids(ref reader, options)!;
                return true;
            default:
                return false;
        }
    }
}
