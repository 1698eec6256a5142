import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options.js';

/** For the TypeORM CLI (`npm run migration:*`): needs DATABASE_URL pointing at a real server. */
const url = process.env.DATABASE_URL;
if (!url) throw new Error('Set DATABASE_URL to run the TypeORM CLI (e.g. postgres://postgres@127.0.0.1:5432/stepwise).');
export default new DataSource({ ...dataSourceOptions(url, 1), migrationsRun: false });
