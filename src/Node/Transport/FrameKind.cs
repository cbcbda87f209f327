namespace P2P.Node.Transport;

/// <summary>First byte of every message on a connection: handshake steps, then sealed data.</summary>
internal enum FrameKind : byte
{
    Hello = 1,
    Reply = 2,
    Finish = 3,
    Data = 4,
}
