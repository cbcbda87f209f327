namespace P2P.Node.Exchange.Planning;

/// <summary>Send a want-block for want <see cref="Want"/> to peer <see cref="Peer"/>; <see cref="Endgame"/> for a duplicate.</summary>
internal readonly record struct Assignment(int Want, int Peer, bool Endgame);
