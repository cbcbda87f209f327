using MessagePack;

namespace P2P.Node.Wire;

/// <summary>The <c>[Key(n)]</c> layout of <see cref="WantHaveMessage"/>, an array of 3; see <see cref="WireArrayFormatter{T}"/>.</summary>
internal sealed class WantHaveMessageFormatter : WireArrayFormatter<WantHaveMessage>
{
    protected override int Count => 3;

    protected override void WriteElements(ref MessagePackWriter writer, WantHaveMessage value, MessagePackSerializerOptions options)
    {
        WireElements.WriteCids(ref writer, value.Cids);
        writer.Write(value.Priority);
        writer.Write(value.SendDontHave);
    }

    protected override bool ReadElement(ref MessagePackReader reader, WantHaveMessage value, int key, MessagePackSerializerOptions options)
    {
        switch (key)
        {
            case 0:
                value.Cids = WireElements.ReadCids(ref reader, options)!;
                return true;
            case 1:
                value.Priority = reader.ReadInt32();
                return true;
            case 2:
                value.SendDontHave = reader.ReadBoolean();
                return true;
            default:
                return false;
        }
    }
}
