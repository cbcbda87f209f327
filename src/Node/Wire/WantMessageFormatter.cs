using MessagePack;

namespace P2P.Node.Wire;

/// <summary>The <c>[Key(n)]</c> layout of a want (WantHave, WantBlock), an array of 3; see <see cref="WireArrayFormatter{T}"/>.</summary>
internal sealed class WantMessageFormatter<T> : WireArrayFormatter<T> where T : class, IWantMessage, new()
{
    protected override int Count => 3;

    protected override void WriteElements(ref MessagePackWriter writer, T value, MessagePackSerializerOptions options)
    {
        WireElements.WriteCids(ref writer, value.Cids);
        writer.Write(value.Priority);
        writer.Write(value.SendDontHave);
    }

    protected override bool ReadElement(ref MessagePackReader reader, T value, int key, MessagePackSerializerOptions options)
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
