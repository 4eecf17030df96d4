/**
 * The fictional centre the sample describes: teams, queues, agents, contact reasons, verbatims. Plain data,
 * so a reader can see at a glance what the generated exports contain.
 */

export const CHANNELS = ['voice', 'email', 'chat', 'social', 'sms', 'bot'] as const;
export type Channel = (typeof CHANNELS)[number];

export const TEAMS = ['Nord', 'Sud', 'Digital'] as const;
export type Team = (typeof TEAMS)[number];

export interface Weighted<T> {
  readonly value: T;
  readonly weight: number;
}

export interface QueueDef {
  readonly id: string;
  readonly team: Team;
  /** Inbound contacts on an ordinary weekday, per channel. */
  readonly volume: Partial<Record<Channel, number>>;
  readonly reasons: readonly Weighted<string>[];
  /** Probability that a handled inbound contact of this queue converts (a sale, a saved customer). */
  readonly conversion?: number;
  /** Outbound calls on a weekday (sales or win-back campaigns). */
  readonly outbound?: number;
}

const w = <T>(value: T, weight: number): Weighted<T> => ({ value, weight });

export const QUEUES: readonly QueueDef[] = [
  {
    id: 'facturation',
    team: 'Nord',
    volume: { voice: 420, email: 110 },
    reasons: [w('Facture', 45), w('Prélèvement', 20), w('Remboursement', 20), w('Échéancier de paiement', 15)],
  },
  {
    id: 'technique',
    team: 'Nord',
    volume: { voice: 520, chat: 150, sms: 50 },
    reasons: [w('Panne internet', 45), w('Box / décodeur', 25), w('Mobile sans réseau', 18), w('Mot de passe', 12)],
  },
  {
    id: 'resiliation',
    team: 'Sud',
    volume: { voice: 200, email: 40 },
    reasons: [w('Résiliation', 70), w('Déménagement', 18), w('Portabilité', 12)],
    conversion: 0.18,
    outbound: 60,
  },
  {
    id: 'commandes',
    team: 'Sud',
    volume: { voice: 300, email: 70 },
    reasons: [w('Livraison', 40), w('Commande', 25), w('Retour produit', 15), w("Changement d'offre", 20)],
    conversion: 0.08,
    outbound: 130,
  },
  {
    id: 'vip',
    team: 'Sud',
    volume: { voice: 60 },
    reasons: [w("Changement d'offre", 35), w('Facture', 30), w('Panne internet', 35)],
    conversion: 0.1,
  },
  {
    id: 'reseaux-sociaux',
    team: 'Digital',
    volume: { social: 110 },
    reasons: [w('Panne internet', 40), w('Réclamation', 35), w('Livraison', 25)],
  },
  {
    id: 'email-support',
    team: 'Digital',
    volume: { email: 150, sms: 30 },
    reasons: [w('Facture', 30), w('Réclamation', 30), w('Attestation', 20), w('Mot de passe', 20)],
  },
  {
    id: 'chat-ventes',
    team: 'Digital',
    volume: { chat: 130, bot: 240 },
    reasons: [w("Changement d'offre", 40), w('Nouvelle offre', 35), w('Commande', 25)],
    conversion: 0.12,
  },
];

export interface AgentDef {
  readonly id: string;
  readonly name: string;
  readonly team: Team;
  /** Seconds scheduled on an ordinary working day. */
  readonly daily_s: number;
  /** Part-timers do not work on Wednesdays. */
  readonly partTime: boolean;
}

const NAMES: readonly (readonly [string, Team])[] = [
  ['Camille Martin', 'Nord'],
  ['Lucas Bernard', 'Nord'],
  ['Léa Dubois', 'Nord'],
  ['Hugo Thomas', 'Nord'],
  ['Chloé Robert', 'Nord'],
  ['Louis Richard', 'Nord'],
  ['Manon Petit', 'Nord'],
  ['Gabriel Durand', 'Nord'],
  ['Emma Leroy', 'Nord'],
  ['Jules Moreau', 'Nord'],
  ['Inès Simon', 'Nord'],
  ['Arthur Laurent', 'Nord'],
  ['Sarah Lefebvre', 'Nord'],
  ['Nathan Michel', 'Nord'],
  ['Jade Garcia', 'Nord'],
  ['Raphaël David', 'Sud'],
  ['Louise Bertrand', 'Sud'],
  ['Adam Roux', 'Sud'],
  ['Alice Vincent', 'Sud'],
  ['Théo Fournier', 'Sud'],
  ['Lina Morel', 'Sud'],
  ['Tom Girard', 'Sud'],
  ['Zoé André', 'Sud'],
  ['Paul Lefèvre', 'Sud'],
  ['Rose Mercier', 'Sud'],
  ['Noah Dupont', 'Sud'],
  ['Anna Lambert', 'Sud'],
  ['Ethan Bonnet', 'Sud'],
  ['Juliette François', 'Sud'],
  ['Maël Martinez', 'Sud'],
  ['Clara Legrand', 'Digital'],
  ['Sacha Garnier', 'Digital'],
  ['Mila Faure', 'Digital'],
  ['Victor Rousseau', 'Digital'],
  ['Ambre Blanc', 'Digital'],
  ['Samuel Guérin', 'Digital'],
  ['Lou Muller', 'Digital'],
  ['Martin Henry', 'Digital'],
  ['Agathe Roussel', 'Digital'],
  ['Yanis Nicolas', 'Digital'],
];

/** Forty agents, `a001`…`a040`; one in six works part time (5 h a day, never on Wednesday). */
export const AGENTS: readonly AgentDef[] = NAMES.map(([name, team], i) => {
  const partTime = i % 6 === 4;
  return {
    id: `a${String(i + 1).padStart(3, '0')}`,
    name,
    team,
    daily_s: partTime ? 5 * 3600 : 7 * 3600,
    partTime,
  };
});

/** Intraday arrival weights per wall-clock hour (index 0–23). */
export type HourCurve = readonly number[];

/** Voice on a weekday: morning and early-afternoon peaks; hours outside 08–19 are calls to a closed centre. */
export const VOICE_WEEKDAY: HourCurve = [
  0, 0, 0, 0, 0, 0, 0.01, 0.03, 0.62, 1.0, 1.15, 1.05, 0.68, 0.74, 1.02, 0.95, 0.84, 0.7, 0.5, 0.04, 0.02, 0.01, 0, 0,
];
/** Voice on a Saturday: open 09–17. */
export const VOICE_SATURDAY: HourCurve = [
  0, 0, 0, 0, 0, 0, 0, 0.01, 0.03, 0.75, 1.0, 1.0, 0.7, 0.6, 0.8, 0.72, 0.5, 0.03, 0.01, 0, 0, 0, 0, 0,
];
/** Voice on a Sunday: closed, a trickle of calls to the closed centre. */
export const VOICE_SUNDAY: HourCurve = [
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0.5, 1, 1, 0.8, 0.6, 0.8, 0.8, 0.6, 0.4, 0.2, 0, 0, 0, 0, 0,
];
/** Chat, open 08–19 on weekdays, with a lunchtime and an end-of-day bump. */
export const CHAT_WEEKDAY: HourCurve = [
  0, 0, 0, 0, 0, 0, 0, 0, 0.5, 0.8, 0.95, 1.0, 1.05, 1.0, 0.9, 0.85, 0.85, 0.95, 0.9, 0, 0, 0, 0, 0,
];
export const CHAT_SATURDAY: HourCurve = [
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0.7, 1, 1, 0.9, 0.8, 0.9, 0.9, 0.7, 0, 0, 0, 0, 0, 0, 0,
];
/** Outbound campaigns dial 09–18 on weekdays and Saturday mornings. */
export const OUTBOUND: HourCurve = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0.8, 1, 1, 0.6, 0.5, 0.9, 1, 1, 0.9, 0.6, 0, 0, 0, 0, 0];
/** Written channels and the bot arrive around the clock, with an evening tail. */
export const DIGITAL_ALL_DAY: HourCurve = [
  0.08, 0.05, 0.03, 0.03, 0.03, 0.05, 0.15, 0.35, 0.7, 0.95, 1.0, 0.95, 0.85, 0.85, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7,
  0.65, 0.55, 0.4, 0.2,
];

/** Volume factor per ISO weekday (index 1–7) and channel, relative to an ordinary weekday. */
export const DAY_FACTOR: Record<Channel, readonly number[]> = {
  voice: [0, 1.1, 1.02, 0.98, 0.95, 0.9, 0.33, 0.015],
  chat: [0, 1.08, 1.0, 1.0, 0.97, 0.93, 0.4, 0],
  email: [0, 1.15, 1.02, 0.98, 0.95, 0.9, 0.45, 0.35],
  social: [0, 1.05, 1.0, 1.0, 0.98, 0.95, 0.6, 0.55],
  sms: [0, 1.1, 1.0, 1.0, 0.97, 0.93, 0.4, 0.25],
  bot: [0, 1.05, 1.0, 1.0, 0.98, 0.95, 0.6, 0.5],
};

/** Opening hours [open, close) per ISO weekday (index 1–7); `null` when closed. */
export type OpeningHours = readonly (readonly [number, number] | null)[];
export const VOICE_HOURS: OpeningHours = [null, [8, 19], [8, 19], [8, 19], [8, 19], [8, 19], [9, 17], null];
/** The written-channel desk also answers social media on Sunday afternoons. */
export const WRITTEN_HOURS: OpeningHours = [null, [8, 19], [8, 19], [8, 19], [8, 19], [8, 19], [9, 17], null];
export const SOCIAL_HOURS: OpeningHours = [null, [8, 19], [8, 19], [8, 19], [8, 19], [8, 19], [9, 17], [10, 18]];

export const SEGMENTS: readonly Weighted<string>[] = [w('particulier', 76), w('professionnel', 19), w('premium', 5)];

/** Transcript sentences by reason; several carry the keywords analysts track. */
export const TRANSCRIPTS: Readonly<Record<string, readonly string[]>> = {
  Facture: [
    'Client : ma facture a doublé ce mois-ci, je ne comprends pas. Conseiller : je vérifie votre consommation.',
    'Client : je demande le remboursement du trop-perçu. Conseiller : je lance la procédure, comptez 10 jours.',
  ],
  Prélèvement: ['Client : le prélèvement a été fait deux fois. Conseiller : je vois le doublon, remboursement lancé.'],
  Remboursement: [
    "Client : j'attends mon remboursement depuis trois semaines, c'est du \"grand n'importe quoi\". Conseiller : je relance le service comptable.",
    'Client : où en est mon remboursement ? Conseiller : il part demain, avec nos excuses pour le retard.',
  ],
  'Échéancier de paiement': [
    'Client : je ne peux pas tout payer ce mois-ci. Conseiller : je vous propose un échéancier en trois fois.',
  ],
  'Panne internet': [
    "Client : plus d'internet depuis hier soir, la box clignote. Conseiller : un incident est en cours dans votre secteur.",
    'Client : troisième panne ce mois-ci, je vais partir chez un concurrent. Conseiller : je comprends, je planifie un technicien.',
  ],
  'Box / décodeur': ['Client : le décodeur redémarre tout seul. Conseiller : nous vous envoyons un échange standard.'],
  'Mobile sans réseau': [
    'Client : pas de réseau depuis ce matin. Conseiller : je réinitialise votre ligne, redémarrez le mobile.',
  ],
  'Mot de passe': [
    "Client : je n'arrive plus à me connecter. Conseiller : je vous envoie un lien de réinitialisation.",
  ],
  Résiliation: [
    'Client : je souhaite la résiliation de mon abonnement, un concurrent me propose moins cher. Conseiller : je peux vous faire une offre.',
    'Client : je demande la résiliation, trop de pannes. Conseiller : je note la demande, vous recevrez une confirmation.',
  ],
  Déménagement: [
    'Client : je déménage à Lyon le mois prochain. Conseiller : je programme le transfert de votre ligne.',
  ],
  Portabilité: ['Client : je veux garder mon numéro chez un concurrent. Conseiller : voici votre code RIO.'],
  Livraison: [
    'Client : ma commande a une semaine de retard. Conseiller : le transporteur a un retard, livraison prévue jeudi.',
    'Client : le colis est arrivé abîmé, je veux un remboursement. Conseiller : je vous renvoie un produit neuf.',
  ],
  Commande: ["Client : je voudrais commander le nouveau modèle. Conseiller : c'est noté, livraison sous 48 h."],
  'Retour produit': ['Client : le produit ne me convient pas. Conseiller : je vous envoie une étiquette de retour.'],
  "Changement d'offre": [
    'Client : je voudrais passer à la fibre. Conseiller : votre adresse est éligible, je fais le changement.',
    "Client : l'offre d'un concurrent est moins chère. Conseiller : je vous propose notre offre fidélité.",
  ],
  'Nouvelle offre': ['Client : quelles sont vos offres mobile ? Conseiller : je vous présente le forfait 100 Go.'],
  Réclamation: [
    "Client : personne ne m'a rappelé malgré vos promesses. Conseiller : je m'en occupe personnellement.",
    "Client : toujours pas de remboursement ni de réponse, c'est honteux. Conseiller : je transmets en priorité.",
  ],
  Attestation: ["Client : il me faut une attestation de résiliation. Conseiller : je vous l'envoie par mail."],
};

export const POSITIVE_COMMENTS: readonly string[] = [
  'Conseiller très aimable',
  'Réponse rapide et efficace, merci',
  'Problème réglé en un seul appel',
  "Très bon accueil, conseillère à l'écoute",
  'Explications claires, je recommande',
  'Rapide, poli, efficace',
  'Merci à Camille pour sa patience',
  'Le technicien est passé dès le lendemain, parfait',
  'Enfin un service client qui "répond vraiment"',
];

export const NEGATIVE_COMMENTS: readonly string[] = [
  'Attente beaucoup trop longue',
  'Trois appels pour le même problème, toujours pas résolu',
  "On m'a raccroché au nez",
  'Remboursement promis, jamais reçu',
  'Livraison en retard et aucune information',
  'Je vais passer chez un concurrent',
  'Conseiller peu aimable, réponse toute faite',
  'Le chat ne sert à rien, il renvoie vers la FAQ',
  "Demande de résiliation ignorée, c'est inadmissible",
  'Musique d\'attente insupportable, 20 minutes "au moins"',
];

export const NEUTRAL_COMMENTS: readonly string[] = [
  'Correct, sans plus',
  'Réponse juste, mais un peu lente',
  'Bon conseiller, mais délai de traitement trop long',
];

export const ESAT_COMMENTS: readonly string[] = [
  "Bonne ambiance dans l'équipe",
  'Charge de travail trop élevée le lundi',
  'Outils lents, on perd du temps',
  'Planning enfin stable, merci',
  'Manque de formation sur les nouvelles offres',
  "Le retard des mises à jour de l'outil CRM pèse sur les appels",
];
