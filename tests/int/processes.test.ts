/**
 * Tests that start service processes of their own (`strapi start`, several at once) on PostgreSQL and
 * Redis: faults (SIGTERM, the database going away) and several instances sharing one database and one
 * Redis. They run one after the other in this one file, so that their processes never compete with
 * each other for the machine's cores (their timings are part of what they check).
 */
import './processes/faults';
import './processes/multi-instance';
